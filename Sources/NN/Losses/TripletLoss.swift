import Autograd
import Tensor

/// How far apart two embeddings are, for triplet losses.
public enum EmbeddingDistance: String, Codable, Sendable {
    /// ‖a − b‖².
    case squaredEuclidean = "squared_euclidean"
    /// 1 − cos(a, b).
    case cosine

    /// Row-wise distances between `[N, D]` batches: `[N]`.
    public func rowwise(_ a: Variable, _ b: Variable) -> Variable {
        switch self {
        case .squaredEuclidean: (a - b).squared().sum(alongAxis: -1)
        case .cosine: 1 - (a.l2NormalizedRows() * b.l2NormalizedRows()).sum(alongAxis: -1)
        }
    }

    /// All pairwise distances within one `[N, D]` batch: `[N, N]`.
    public func pairwise(_ embeddings: Variable) -> Variable {
        switch self {
        case .squaredEuclidean:
            // ‖a‖² + ‖b‖² − 2a·b, clamped at 0 against rounding.
            let squares = embeddings.squared().sum(alongAxis: -1, keepingDimension: true)  // [N, 1]
            let products = Variable.matmul(embeddings, embeddings, transposeB: true)  // [N, N]
            return (squares + squares.transposed() - products * 2).relu()
        case .cosine:
            let normalized = embeddings.l2NormalizedRows()
            return 1 - Variable.matmul(normalized, normalized, transposeB: true)
        }
    }
}

extension Losses {
    /// The triplet loss of FaceNet (Schroff, Kalenichenko & Philbin 2015):
    /// mean over triplets of max(d(a, p) − d(a, n) + margin, 0).
    public static func triplet(anchor: Variable, positive: Variable, negative: Variable, margin: Float,
                               distance: EmbeddingDistance = .squaredEuclidean) -> Variable {
        (distance.rowwise(anchor, positive) - distance.rowwise(anchor, negative) + margin).relu().mean()
    }

    /// The "lossless triplet loss" of the fashion-similarity notebook, for sigmoid outputs in
    /// [0, 1]^N: −ln(−d⁺/β + 1 + ε) − ln(−(N − d⁻)/β + 1 + ε) with d⁺ = ‖a − p‖², d⁻ = ‖a − n‖²,
    /// and N = β = the embedding width by default. Unlike the margin loss it keeps pushing
    /// positives together and negatives apart after the margin is met, with no dead zone.
    public static func losslessTriplet(anchor: Variable, positive: Variable, negative: Variable,
                                       width: Float? = nil, beta: Float? = nil, epsilon: Float = 1e-8) -> Variable {
        let size = width ?? Float(anchor.shape.last ?? 1)
        let scale = beta ?? size
        let positiveDistance = (anchor - positive).squared().sum(alongAxis: -1)
        let negativeDistance = (anchor - negative).squared().sum(alongAxis: -1)
        let positiveTerm = -((positiveDistance * (-1 / scale) + (1 + epsilon)).log())
        let negativeTerm = -(((size - negativeDistance) * (-1 / scale) + (1 + epsilon)).log())
        return (positiveTerm + negativeTerm).mean()
    }
}
