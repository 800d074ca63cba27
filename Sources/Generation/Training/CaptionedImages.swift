import Datasets
import Foundation
import Imaging
import Tensor
import Training

/// Images with their synthesised captions, in memory, from either captioned-image source
/// (`CaptionedImageSource`): every image squashed or padded to `size`², scaled to [−1, 1] as
/// `[count, channels, size, size]`, with its group (the person of a person folder, the class of a
/// Fashion-MNIST item), its path or item name, what its captions ask for (`CaptionedAttributes`) and
/// the captions synthesised from that (`FaceCaptions` from the attribute table's row,
/// `FashionCaptions` from the item's class and measured attributes).
public struct CaptionedImages {
    public let pixels: Tensor
    /// `s1/3.png` (person folders) or `train/42` (Fashion-MNIST split and item).
    public let paths: [String]
    /// The group of each image: its person (0-based within the range) or its class.
    public let groups: [Int]
    public let groupNames: [String]
    /// What each image's captions ask for.
    public let requested: [CaptionedAttributes]
    /// Captions of each image (indices into `captionTexts`).
    public let captions: [[Int]]
    /// Every distinct caption, in first-seen order.
    public let captionTexts: [String]
    /// The images of each group (indices into the images).
    public let imagesOfGroup: [[Int]]
    /// The decoded images at their original size (for image encoders with their own preprocessing).
    public let originals: [RGBImage]

    /// The people of `range` (person-folder positions) and their rows of `attributes`.
    public init(folders: PersonFolders, attributes: FaceAttributeTable, people range: Range<Int>, size: Int, channels: Int) throws {
        guard range.lowerBound >= 0, range.upperBound <= folders.people.count, !range.isEmpty else {
            throw GenerationError.invalidRequest("people \(range) are outside the \(folders.people.count) person folders")
        }
        let set = try folders.load(range, size: size, channels: channels, filter: .bicubic)
        let decoder = ImageDecoder()
        let (images, names) = folders.images(of: range)
        let requested = try images.map { image in
            guard let row = attributes.attributes(photoPath: image.path) else {
                throw GenerationError.invalidRequest("the attribute table has no row for \(image.path)")
            }
            return CaptionedAttributes.face(row)
        }
        self.init(pixels: Self.scaled(set), paths: images.map(\.path), groups: set.labels, groupNames: names, requested: requested,
                  originals: try images.map { try decoder.decode(contentsOf: folders.root.appendingPathComponent($0.path)) })
    }

    /// The items `items` of Fashion-MNIST's `split` (a loaded split, `FashionMNIST.load`): each
    /// measured (`FashionItemAttributes`), padded with black to 32×32 and resized to `size`
    /// (bilinear) when that differs; `channels` 3 repeats the grey plane.
    public init(fashionMNIST set: LabeledImageSet, split: FashionMNIST.Split, items: Range<Int>, size: Int, channels: Int) throws {
        let side = FashionItemAttributes.itemSide
        guard set.channels == 1, set.height == side, set.width == side else {
            throw GenerationError.invalidRequest("Fashion-MNIST items are 1×\(side)×\(side), got \(set.channels)×\(set.height)×\(set.width)")
        }
        guard items.lowerBound >= 0, items.upperBound <= set.count, !items.isEmpty else {
            throw GenerationError.invalidRequest("items \(items) are outside the \(set.count) items of the \(split.rawValue) split")
        }
        guard channels == 1 || channels == 3 else { throw GenerationError.invalidRequest("channels must be 1 or 3, got \(channels)") }
        let plane = side * side, canvas = 32, border = (canvas - side) / 2
        var requested: [CaptionedAttributes] = [], originals: [RGBImage] = []
        var samples = [Float](repeating: -1, count: items.count * canvas * canvas)
        for (row, item) in items.enumerated() {
            let bytes = set.pixels[(item * plane)..<((item + 1) * plane)]
            requested.append(.fashion(FashionItemAttributes(label: set.labels[item], measuring: bytes)))
            originals.append(RGBImage(width: side, height: side, pixels: bytes.flatMap { [$0, $0, $0] }))
            for (offset, byte) in bytes.enumerated() {
                samples[(row * canvas + border + offset / side) * canvas + border + offset % side] = Float(byte) / 127.5 - 1
            }
        }
        var padded = Tensor(shape: [items.count, 1, canvas, canvas], scalars: samples)  // [items, 1, 32, 32]
        if size != canvas { padded = padded.upsampled(height: size, width: size, mode: .bilinear(alignCorners: false)) }  // [items, 1, size, size]
        if channels == 3 { padded = Tensor.concatenate([padded, padded, padded], alongAxis: 1) }  // [items, 3, size, size]
        let labels = items.map { set.labels[$0] }
        self.init(pixels: padded, paths: items.map { "\(split.rawValue)/\($0)" }, groups: labels, groupNames: set.classNames,
                  requested: requested, originals: originals)
    }

    /// The training (`validation` false) or held-out images of a `data` section.
    public static func load(_ data: DiffusionTaskConfiguration.Data, validation: Bool) throws -> CaptionedImages? {
        switch data.source {
        case .personFolders:
            guard let range = validation ? data.validationPeople : data.people else { return nil }
            let folders = try PersonFolders(root: URL(fileURLWithPath: data.personFolders, isDirectory: true))
            let table = try FaceAttributeTable(contentsOf: URL(fileURLWithPath: data.attributes))
            return try CaptionedImages(folders: folders, attributes: table, people: range[0]..<range[1], size: data.imageSize,
                                       channels: data.channels)
        case .fashionMNIST:
            guard let range = validation ? data.validationItems : data.items else { return nil }
            let split: FashionMNIST.Split = validation ? .test : .train
            let set = try FashionMNIST.load(split: split, directory: URL(fileURLWithPath: data.fashionMNISTFolder, isDirectory: true))
            return try CaptionedImages(fashionMNIST: set, split: split, items: range[0]..<range[1], size: data.imageSize,
                                       channels: data.channels)
        }
    }

    init(pixels: Tensor, paths: [String], groups: [Int], groupNames: [String], requested: [CaptionedAttributes], originals: [RGBImage]) {
        var captionIndex: [String: Int] = [:], texts: [String] = []
        captions = requested.map { request in
            request.captions.map { caption in
                if let index = captionIndex[caption] { return index }
                captionIndex[caption] = texts.count
                texts.append(caption)
                return texts.count - 1
            }
        }
        captionTexts = texts
        self.pixels = pixels
        self.paths = paths
        self.groups = groups
        self.groupNames = groupNames
        self.requested = requested
        imagesOfGroup = groupNames.indices.map { group in groups.indices.filter { groups[$0] == group } }
        self.originals = originals
    }

    /// `[count, channels, size, size]` of 8-bit samples scaled to [−1, 1].
    static func scaled(_ set: LabeledImageSet) -> Tensor {
        Tensor(shape: [set.count, set.channels, set.height, set.width]) { buffer in
            for index in buffer.indices { buffer[index] = Float(set.pixels[index]) / 127.5 - 1 }
        }
    }

    public var count: Int { paths.count }

    /// What the image kind's judge reads (`CaptionedAttributes.Kind`).
    public var kind: CaptionedAttributes.Kind { requested.first?.kind ?? .face }

    /// Every distinct caption with what it asks for (the first image that produced it; every image
    /// giving a caption asks for the attributes it names), in first-seen order.
    public var distinctCaptions: [(caption: String, requested: CaptionedAttributes)] {
        var first = [Int](repeating: -1, count: captionTexts.count)
        for (image, indices) in captions.enumerated() { for index in indices where first[index] < 0 { first[index] = image } }
        return captionTexts.indices.map { (captionTexts[$0], requested[first[$0]]) }
    }
}
