import Autograd
import Foundation
import NN
import Tensor

/// Convex combination of semantic embeddings (Norouzi et al., "Zero-Shot Learning by Convex
/// Combination of Semantic Embeddings", ICLR 2014) as an `ImageEncoder`.
///
/// An image classifier over a fixed label set becomes an image embedding in a text model's space:
/// with s(y) the text embedding of label y, an image x is embedded as
/// f(x) = normalise(Σ_{t=1..T} p(ŷₜ | x) · s(ŷₜ)) over its T most probable labels ŷ₁…ŷ_T.
/// (The paper divides by Σ p; after L2 normalisation the direction is the same.) Texts are
/// embedded by the text model itself, the other half of the joint model.
public struct ConSEImageEncoder: ImageEncoder {
    /// s(y) for every label, `[classes, width]`, rows L2-normalised.
    public let labelEmbeddings: Tensor
    /// T, the number of most probable labels combined.
    public let topCount: Int
    @Key("") public var classifier: any ImageClassifier

    public init(classifier: any ImageClassifier, labelEmbeddings: Tensor, topCount: Int = 10) {
        precondition(labelEmbeddings.rank == 2, "label embeddings must be [classes, width], got \(labelEmbeddings.shape)")
        precondition(topCount >= 1, "ConSE combines at least one label")
        self.labelEmbeddings = labelEmbeddings
        self.topCount = topCount
        self.classifier = classifier
    }

    public var embeddingWidth: Int { labelEmbeddings.shape[1] }
    public var inputSize: Int? { nil }

    /// f(x) on the tape: the probabilities of each row's T most probable labels (a constant
    /// selection) times the label embeddings, normalised. No token states: a classifier's output
    /// has no positions.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        let probabilities = classifier.logits(images).softmax()  // [batch, classes]
        let selection = Self.topLabelMask(probabilities.value, topCount: topCount)  // [batch, classes]
        let combined = Variable.matmul(probabilities * Variable(selection), Variable(labelEmbeddings))  // [batch, width]
        return ImageEncoding(pooled: combined.l2NormalizedRows())
    }

    /// f(x) for preprocessed images `[N, 3, H, W]` → `[N, width]`, without a tape.
    public func embed(_ images: Tensor) -> Tensor {
        Self.combine(probabilities: classifier.classProbabilities(images), labelEmbeddings: labelEmbeddings, topCount: topCount)
    }

    /// Indices of the `count` largest probabilities of a row, ties broken by the lower class index.
    static func topLabels(_ probabilities: UnsafeBufferPointer<Float>, count: Int) -> ArraySlice<Int> {
        probabilities.indices.sorted {
            probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
        }.prefix(count)
    }

    /// 1 at each row's `topCount` most probable labels, 0 elsewhere: `[rows, classes]`.
    static func topLabelMask(_ probabilities: Tensor, topCount: Int) -> Tensor {
        let (rows, classes) = (probabilities.shape[0], probabilities.shape[1])
        return Tensor(shape: [rows, classes]) { mask in
            mask.initialize(repeating: 0)
            for row in 0..<rows {
                let values = UnsafeBufferPointer(start: probabilities.pointer + row * classes, count: classes)
                for label in topLabels(values, count: Swift.min(topCount, classes)) { mask[row * classes + label] = 1 }
            }
        }
    }

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
                let target = output.baseAddress! + row * width
                target.initialize(repeating: 0, count: width)
                for label in topLabels(rowProbabilities, count: count) {
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
