import Autograd
import NN

/// Which triplet loss trains the embedding, and how batches are drawn for it.
///
/// - `lossless`: the notebook's loss, −ln(−d⁺/β + 1 + ε) − ln(−(N − d⁻)/β + 1 + ε) with
///   N = β = the embedding width (128) by default, on random triplets.
/// - `margin`: FaceNet's max(d⁺ − d⁻ + margin, 0) on random triplets (Schroff et al. 2015).
/// - `batch_hard`, `semi_hard`: the margin loss on triplets mined inside class-balanced batches of
///   P classes × K images (Hermans, Beyer & Leibe 2017; Schroff et al. 2015).
public struct TripletObjective: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case lossless
        case margin
        case batchHard = "batch_hard"
        case semiHard = "semi_hard"
    }

    /// The loss.
    public var kind: Kind
    /// Margin of the margin, batch-hard and semi-hard losses.
    public var margin: Float
    /// Distance of the margin, batch-hard and semi-hard losses.
    public var distance: EmbeddingDistance
    /// N of the lossless loss (nil: the embedding width).
    public var width: Float?
    /// β of the lossless loss (nil: the embedding width).
    public var beta: Float?
    /// ε of the lossless loss.
    public var epsilon: Float
    /// P of mined batches: classes per batch.
    public var classesPerBatch: Int
    /// K of mined batches: images per class.
    public var imagesPerClass: Int

    public init(kind: Kind = .lossless, margin: Float = 1, distance: EmbeddingDistance = .squaredEuclidean,
                width: Float? = nil, beta: Float? = nil, epsilon: Float = 1e-8, classesPerBatch: Int = 8,
                imagesPerClass: Int = 4) {
        self.kind = kind
        self.margin = margin
        self.distance = distance
        self.width = width
        self.beta = beta
        self.epsilon = epsilon
        self.classesPerBatch = classesPerBatch
        self.imagesPerClass = imagesPerClass
    }

    enum CodingKeys: String, CodingKey {
        case kind, margin, distance, width, beta, epsilon
        case classesPerBatch = "classes_per_batch", imagesPerClass = "images_per_class"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TripletObjective()
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? defaults.kind
        margin = try container.decodeIfPresent(Float.self, forKey: .margin) ?? defaults.margin
        distance = try container.decodeIfPresent(EmbeddingDistance.self, forKey: .distance) ?? defaults.distance
        width = try container.decodeIfPresent(Float.self, forKey: .width)
        beta = try container.decodeIfPresent(Float.self, forKey: .beta)
        epsilon = try container.decodeIfPresent(Float.self, forKey: .epsilon) ?? defaults.epsilon
        classesPerBatch = try container.decodeIfPresent(Int.self, forKey: .classesPerBatch) ?? defaults.classesPerBatch
        imagesPerClass = try container.decodeIfPresent(Int.self, forKey: .imagesPerClass) ?? defaults.imagesPerClass
    }

    /// Whether batches are class-balanced P×K batches for online mining (else random triplets).
    public var minesBatches: Bool { kind == .batchHard || kind == .semiHard }

    /// The loss of one random-triplet batch of embeddings `[B, D]` each.
    public func loss(anchor: Variable, positive: Variable, negative: Variable) -> Variable {
        switch kind {
        case .lossless:
            Losses.losslessTriplet(anchor: anchor, positive: positive, negative: negative, width: width, beta: beta,
                                   epsilon: epsilon)
        case .margin, .batchHard, .semiHard:
            Losses.triplet(anchor: anchor, positive: positive, negative: negative, margin: margin, distance: distance)
        }
    }

    /// The mined loss of one labelled batch of embeddings `[P·K, D]`.
    public func minedLoss(embeddings: Variable, labels: [Int]) -> Variable {
        let mining: TripletMining = kind == .semiHard ? .semiHard : .batchHard
        return mining.loss(embeddings: embeddings, labels: labels, margin: margin, distance: distance)
    }
}
