import Foundation
import Tensor

/// The Inception Score of a classifier's predictions on generated images (Salimans et al. 2016,
/// "Improved Techniques for Training GANs"; the image-prompting paper's Eq. 5):
///
///     IS = exp(E_x D_KL(p(y|x) ‖ p(y)))
///
/// computed as the field does: the images are cut into `splits` consecutive parts (NumPy's
/// `array_split`: the first N mod splits parts one image longer), p(y) is each part's marginal
/// (the mean of its rows; the paper's Eq. 5 text calls p(y) uniform, the definition it cites is the
/// marginal), and the score is the mean ± population standard deviation over the parts. Rows are
/// renormalised to sum to 1 and 0·log 0 = 0 (`scipy.stats.entropy`).
///
/// The standard IS reads p(y|x) from the ImageNet Inception-v3's softmax; the FID TorchScript has
/// no classification layer, so CLIPKit reports this score over EfficientNet-Lite0's ImageNet
/// classes under the name "IS (EfficientNet-Lite0)", never plain "IS".
public struct InceptionScore: Sendable, Equatable {
    public let mean: Double
    public let standardDeviation: Double
    /// The score of each split, in order.
    public let splitScores: [Double]

    /// The score of `probabilities` `[images, classes]` over `splits` parts.
    public init(probabilities: Tensor, splits: Int = 10) throws {
        guard probabilities.rank == 2 else {
            throw EvaluationError.shapeMismatch(detail: "probabilities must be [images, classes], got \(probabilities.shape)")
        }
        let (count, classes) = (probabilities.shape[0], probabilities.shape[1])
        guard splits > 0, count >= splits else {
            throw EvaluationError.tooFewSamples(name: "an Inception Score over \(splits) splits", count: count, needed: max(splits, 1))
        }
        let rows: [[Double]] = try (0..<count).map { row in
            let values = (0..<classes).map { Double(probabilities.pointer[row * classes + $0]) }
            guard values.allSatisfy({ $0.isFinite && $0 >= 0 }), values.contains(where: { $0 > 0 }) else {
                throw EvaluationError.nonFinite(name: "probabilities (finite, non-negative, not all zero)", row: row)
            }
            return values
        }
        var scores: [Double] = []
        var start = 0
        for split in 0..<splits {
            let length = count / splits + (split < count % splits ? 1 : 0)
            let part = rows[start..<(start + length)]
            start += length
            var marginal = [Double](repeating: 0, count: classes)
            for row in part { for index in 0..<classes { marginal[index] += row[index] } }
            let marginalTotal = marginal.reduce(0, +)
            var divergence = 0.0
            for row in part {
                let total = row.reduce(0, +)
                var kl = 0.0
                for index in 0..<classes where row[index] > 0 {
                    let p = row[index] / total, q = marginal[index] / marginalTotal
                    kl += p * Foundation.log(p / q)
                }
                divergence += kl
            }
            scores.append(Foundation.exp(divergence / Double(length)))
        }
        let average = scores.reduce(0, +) / Double(splits)
        splitScores = scores
        mean = average
        standardDeviation = (scores.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(splits)).squareRoot()
    }
}
