import Foundation
import Tensor

/// Something that gives class probabilities p(y | x) for a batch of preprocessed images.
public protocol ImageClassifier {
    /// `[N, 3, H, W]` → `[N, classes]`, each row summing to 1.
    func classProbabilities(_ images: Tensor) -> Tensor
}

/// Something that embeds sentences into a vector space, one L2-normalised row per text.
public protocol SentenceEmbedder {
    /// `[texts.count, width]`.
    func embed(texts: [String]) throws -> Tensor
}

/// Convex combination of semantic embeddings (Norouzi et al., "Zero-Shot Learning by Convex
/// Combination of Semantic Embeddings", ICLR 2014).
///
/// An image classifier over a fixed label set and a text embedding model become a joint
/// image–text embedding: with s(y) the text embedding of label y, an image x is embedded as
/// f(x) = normalise(Σ_{t=1..T} p(ŷₜ | x) · s(ŷₜ)) over its T most probable labels ŷ₁…ŷ_T, and
/// a text as the text model's embedding. (The paper divides by Σ p; after L2 normalisation the
/// direction is the same.)
public struct ConSE<Classifier: ImageClassifier, TextModel: SentenceEmbedder> {
    public let classifier: Classifier
    public let textModel: TextModel
    /// s(y) for every label, `[classes, width]`, rows L2-normalised.
    public let labelEmbeddings: Tensor
    /// T, the number of most probable labels combined.
    public let topCount: Int

    public init(classifier: Classifier, textModel: TextModel, labelEmbeddings: Tensor, topCount: Int = 10) {
        precondition(labelEmbeddings.rank == 2, "label embeddings must be [classes, width], got \(labelEmbeddings.shape)")
        precondition(topCount >= 1, "ConSE combines at least one label")
        self.classifier = classifier
        self.textModel = textModel
        self.labelEmbeddings = labelEmbeddings
        self.topCount = topCount
    }

    public var width: Int { labelEmbeddings.shape[1] }

    /// f(x) for preprocessed images `[N, 3, H, W]` → `[N, width]`.
    public func embed(images: Tensor) -> Tensor {
        Self.combine(probabilities: classifier.classProbabilities(images), labelEmbeddings: labelEmbeddings, topCount: topCount)
    }

    /// The text model's embedding of each text → `[N, width]`.
    public func embed(texts: [String]) throws -> Tensor { try textModel.embed(texts: texts) }

    /// normalise(Σ over each row's `topCount` largest probabilities of p·s(y)).
    public static func combine(probabilities: Tensor, labelEmbeddings: Tensor, topCount: Int) -> Tensor {
        let (rows, classes) = (probabilities.shape[0], probabilities.shape[1])
        precondition(labelEmbeddings.shape[0] == classes,
                     "\(classes) class probabilities but \(labelEmbeddings.shape[0]) label embeddings")
        let width = labelEmbeddings.shape[1], count = Swift.min(topCount, classes)
        let probabilityPointer = probabilities.pointer, labels = labelEmbeddings.pointer
        return Tensor(shape: [rows, width]) { output in
            for row in 0..<rows {
                let rowProbabilities = UnsafeBufferPointer(start: probabilityPointer + row * classes, count: classes)
                // Indices of the largest probabilities, ties broken by the lower class index.
                let top = rowProbabilities.indices.sorted {
                    rowProbabilities[$0] != rowProbabilities[$1] ? rowProbabilities[$0] > rowProbabilities[$1] : $0 < $1
                }.prefix(count)
                let target = output.baseAddress! + row * width
                target.initialize(repeating: 0, count: width)
                for label in top {
                    let weight = rowProbabilities[label]
                    for column in 0..<width { target[column] += weight * labels[label * width + column] }
                }
                var norm: Float = 0
                for column in 0..<width { norm += target[column] * target[column] }
                let scale = 1 / Swift.max(norm.squareRoot(), 1e-12)
                for column in 0..<width { target[column] *= scale }
            }
        }
    }
}

extension EfficientNet: ImageClassifier {}

extension SentenceTransformer: SentenceEmbedder {
    public func embed(texts: [String]) throws -> Tensor { try embed(texts: texts, batchSize: 64) }
}
