import Tensor

/// How well generated faces keep a person's identity, measured with a face embedder that took no
/// part in generating them: the mean cosine similarity between each generated image's embedding
/// and each of the reference person's real photos' embeddings,
///
///     s = 1/(G·R) Σ_g Σ_r cos(e_g, e_r)
///
/// and, given a `VerificationThreshold` fitted on real pairs of held-out people, the fraction of
/// (generated, reference) pairs the embedder verifies as the same person. Generic over any
/// embedding: the caller chooses the embedder (CLIPKit has no pretrained face network; see the
/// README).
public struct IdentitySimilarity: Sendable, Equatable {
    /// s over every (generated, reference) pair.
    public let meanCosine: Double
    /// Each generated image's mean cosine to the references, in input order.
    public let perImage: [Double]
    /// Fraction of pairs with cosine ≥ the threshold (nil without a threshold).
    public let verifiedFraction: Double?

    /// Compares `generated` `[G, dimension]` with `references` `[R, dimension]` (not necessarily
    /// normalised).
    public init(generated: Tensor, references: Tensor, threshold: VerificationThreshold? = nil) throws {
        let similarities = try CosineSimilarities(generated, references)  // [G, R]
        let (rows, columns) = (similarities.rows, similarities.columns)
        perImage = (0..<rows).map { row in (0..<columns).reduce(0) { $0 + similarities[row, $1] } / Double(columns) }
        meanCosine = perImage.reduce(0, +) / Double(rows)
        verifiedFraction = threshold.map { threshold in
            let accepted = (0..<rows).reduce(0) { total, row in total + (0..<columns).filter { threshold.accepts(similarities[row, $0]) }.count }
            return Double(accepted) / Double(rows * columns)
        }
    }
}

/// cos(aᵢ, bⱼ) for every row pair of two embedding matrices, in Float64.
public struct CosineSimilarities: Sendable {
    public let rows: Int
    public let columns: Int
    private let values: [Double]

    /// `first` `[rows, dimension]` against `second` `[columns, dimension]`; zero rows are refused.
    public init(_ first: Tensor, _ second: Tensor) throws {
        guard first.rank == 2, second.rank == 2, first.shape[1] == second.shape[1], first.shape[0] > 0, second.shape[0] > 0 else {
            throw EvaluationError.shapeMismatch(detail: "embeddings \(first.shape) and \(second.shape) must be [count, dimension] of one width")
        }
        func normalized(_ matrix: Tensor, _ name: String) throws -> [[Double]] {
            let width = matrix.shape[1]
            return try (0..<matrix.shape[0]).map { row in
                let vector = (0..<width).map { Double(matrix.pointer[row * width + $0]) }
                let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0, norm.isFinite else { throw EvaluationError.nonFinite(name: "\(name) (zero or non-finite)", row: row) }
                return vector.map { $0 / norm }
            }
        }
        let a = try normalized(first, "the first embeddings"), b = try normalized(second, "the second embeddings")
        rows = a.count
        columns = b.count
        values = a.flatMap { row in b.map { column in zip(row, column).reduce(0) { $0 + $1.0 * $1.1 } } }
    }

    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }
}
