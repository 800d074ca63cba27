import Datasets
import Tensor

/// One training batch for the triplet network.
public enum TripletBatch {
    /// Random triplets: anchors, positives and negatives stacked in one `[3·B, C, H, W]` tensor
    /// (so the shared tower sees them in one pass and batch statistics cover all three).
    case triplets(images: Tensor, tripletCount: Int)
    /// A class-balanced `[P·K, C, H, W]` batch with its labels, for online mining.
    case labeled(images: Tensor, labels: [Int])
}

/// Draws triplet batches from a labelled image set with a seeded `TripletSampler`, applying a
/// random horizontal flip per image when asked.
public struct TripletBatchSource: BatchSource {
    public struct Position: Codable, Sendable, Equatable {
        /// The sampler's random state (triplet choice and flips).
        public var generator: SeededGenerator
        /// Batches drawn so far.
        public var batchesDrawn: Int
    }

    public let images: LabeledImageSet
    public let objective: TripletObjective
    /// Triplets per batch (random-triplet objectives).
    public let tripletsPerBatch: Int
    public let normalization: PixelNormalization
    /// Probability of mirroring each image.
    public let flipProbability: Float
    public let batchesPerEpoch: Int
    private var sampler: TripletSampler
    private var batchesDrawn = 0

    public init(images: LabeledImageSet, objective: TripletObjective, tripletsPerBatch: Int,
                normalization: PixelNormalization, flipProbability: Float = 0, batchesPerEpoch: Int, seed: UInt64) {
        self.images = images
        self.objective = objective
        self.tripletsPerBatch = tripletsPerBatch
        self.normalization = normalization
        self.flipProbability = flipProbability
        self.batchesPerEpoch = batchesPerEpoch
        sampler = TripletSampler(labels: images.labels, classCount: images.classNames.count,
                                 generator: SeededGenerator(seed: seed))
    }

    public var position: Position {
        get { Position(generator: sampler.generator, batchesDrawn: batchesDrawn) }
        set {
            sampler.generator = newValue.generator
            batchesDrawn = newValue.batchesDrawn
        }
    }

    public mutating func nextBatch() -> TripletBatch {
        batchesDrawn += 1
        if objective.minesBatches {
            let (indices, labels) = sampler.balancedBatch(classes: objective.classesPerBatch, perClass: objective.imagesPerClass)
            return .labeled(images: images.batch(indices, normalization: normalization, flipped: flips(indices.count)),
                            labels: labels)
        }
        let triplets = sampler.next(tripletsPerBatch)
        let indices = triplets.map(\.anchor) + triplets.map(\.positive) + triplets.map(\.negative)
        return .triplets(images: images.batch(indices, normalization: normalization, flipped: flips(indices.count)),
                         tripletCount: triplets.count)
    }

    private mutating func flips(_ count: Int) -> [Bool]? {
        guard flipProbability > 0 else { return nil }
        return (0..<count).map { _ in sampler.generator.nextUniform() < flipProbability }
    }
}
