import Foundation
import Imaging
import Tensor

/// One contrastive batch: images `[B, 3, size, size]` and their captions (row i matches caption i),
/// with the examples' indices in the data set.
public struct CaptionedBatch {
    public var images: Tensor
    public var captions: [String]
    public var indices: [Int]
}

/// Where the images of a captioned data set come from.
public enum CaptionedImages: Sendable {
    /// Decoded images in memory (the synthetic shapes).
    case inMemory([RGBImage])
    /// Image files, decoded when drawn.
    case files([String])

    var count: Int {
        switch self {
        case .inMemory(let images): images.count
        case .files(let paths): paths.count
        }
    }
}

/// Training augmentation of captioned images: a random resized crop (when set) and a random
/// horizontal flip, drawn from the source's seeded generator.
public struct CaptionedAugmentation: Codable, Sendable, Equatable {
    /// Area fraction range of the random resized crop (nil: no crop, plain preprocessing).
    public var cropScale: [Double]?
    /// Probability of a horizontal flip. Default 0 (flips change "left of" captions' meaning).
    public var flipProbability: Double

    public init(cropScale: [Double]? = nil, flipProbability: Double = 0) {
        self.cropScale = cropScale
        self.flipProbability = flipProbability
    }

    enum CodingKeys: String, CodingKey { case cropScale = "crop_scale", flipProbability = "flip_probability" }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cropScale = try container.decodeIfPresent([Double].self, forKey: .cropScale)
        flipProbability = try container.decodeIfPresent(Double.self, forKey: .flipProbability) ?? 0
    }
}

/// Seeded, shuffled batches of (image, caption) pairs for contrastive training, preprocessed
/// with the image tower's `Preprocessing` and augmented with `CaptionedAugmentation`. Its
/// position is the shuffle position plus the augmentation generator.
public struct CaptionedBatchSource: BatchSource {
    public struct Position: Codable, Sendable, Equatable {
        public var order: ShuffledBatches.Position
        public var generator: SeededGenerator
    }

    public let images: CaptionedImages
    public let captions: [String]
    public let preprocessing: Preprocessing
    public let augmentation: CaptionedAugmentation
    public let decoder: ImageDecoder
    private var order: ShuffledBatches
    private var generator: SeededGenerator

    public init(images: CaptionedImages, captions: [String], batchSize: Int, preprocessing: Preprocessing,
                augmentation: CaptionedAugmentation = CaptionedAugmentation(), seed: UInt64,
                decoder: ImageDecoder = ImageDecoder()) {
        precondition(images.count == captions.count, "\(images.count) images but \(captions.count) captions")
        self.images = images
        self.captions = captions
        self.preprocessing = preprocessing
        self.augmentation = augmentation
        self.decoder = decoder
        order = ShuffledBatches(count: captions.count, batchSize: batchSize, seed: seed)
        generator = SeededGenerator(seed: seed ^ 0xA06_3E47)
    }

    /// Pairs from a manifest of image files.
    public init(manifest: CaptionedImageManifest, batchSize: Int, preprocessing: Preprocessing,
                augmentation: CaptionedAugmentation = CaptionedAugmentation(), seed: UInt64) {
        self.init(images: .files(manifest.entries.map(\.imagePath)), captions: manifest.entries.map(\.caption),
                  batchSize: batchSize, preprocessing: preprocessing, augmentation: augmentation, seed: seed)
    }

    public var batchesPerEpoch: Int { order.batchesPerEpoch }

    public var position: Position {
        get { Position(order: order.position, generator: generator) }
        set {
            order.position = newValue.order
            generator = newValue.generator
        }
    }

    /// The preprocessed tensor of example `index` (augmented when `augmented`). A file that cannot
    /// be read or preprocessed is a broken data set: `TrainingError.unreadableExample` names it.
    public mutating func imageTensor(_ index: Int, augmented: Bool) throws -> Tensor {
        do {
            return try preparedImage(index, augmented: augmented)
        } catch {
            let name: String
            switch images {
            case .inMemory: name = "image \(index)"
            case .files(let paths): name = paths[index]
            }
            throw TrainingError.unreadableExample(name: name, reason: String(describing: error))
        }
    }

    private mutating func preparedImage(_ index: Int, augmented: Bool) throws -> Tensor {
        let image: RGBImage
        switch images {
        case .inMemory(let all): image = all[index]
        case .files(let paths): image = try decoder.decode(contentsOf: URL(fileURLWithPath: paths[index]))
        }
        guard augmented else { return try preprocessing(image) }
        var result = image
        if let scale = augmentation.cropScale, scale.count == 2 {
            let crop = RandomResizedCrop(width: preprocessing.imageSize, height: preprocessing.imageSize,
                                         scale: scale[0]...scale[1], filter: preprocessing.interpolation)
            result = try crop(result, using: &generator)
        } else {
            result = try preprocessing.resizedImage(result)
        }
        if augmentation.flipProbability > 0 {
            result = result.randomlyFlippedHorizontally(probability: augmentation.flipProbability, using: &generator)
        }
        return result.normalizedTensor(mean: preprocessing.mean, std: preprocessing.std)
    }

    /// Whether batches carry image tensors. Off when the model reads precomputed features of a
    /// frozen image tower (then `images` is an empty tensor and no image is prepared).
    public var preparesImages = true

    /// Whether a drawn image differs from its plain preprocessing (random crops or flips).
    public var augments: Bool {
        (augmentation.cropScale.map { $0.count == 2 } ?? false) || augmentation.flipProbability > 0
    }

    public mutating func nextBatch() throws -> CaptionedBatch {
        let indices = order.next()
        let images = preparesImages ? Tensor.stackingImages(try indices.map { try imageTensor($0, augmented: true) }) : Tensor(zeros: [0])
        return CaptionedBatch(images: images, captions: indices.map { captions[$0] }, indices: indices)
    }
}
