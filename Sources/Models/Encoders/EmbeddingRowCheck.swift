import Tensor

/// The one check that a model's output rows are usable embeddings: every value finite (a model
/// with NaN weights, or an input that overflows, gives NaN or infinity) and not all zero (no
/// direction to normalise). The indexer, `embed(imageFiles:)` and `embed --texts` refuse such rows
/// with this reason instead of writing them.
public enum EmbeddingRowCheck {
    /// Why row `row` of `embeddings` (`[rows, dimension]`) is not a usable embedding, or nil.
    public static func problem(in embeddings: Tensor, row: Int) -> String? {
        let dimension = embeddings.shape[1]
        let values = UnsafeBufferPointer(start: embeddings.pointer + row * dimension, count: dimension)
        guard values.allSatisfy(\.isFinite) else { return "the model produced NaN or infinite values" }
        guard values.contains(where: { $0 != 0 }) else { return "the model produced an all-zero embedding" }
        return nil
    }

    /// The rows of `embeddings` that are not usable, with the reason of each.
    public static func problems(in embeddings: Tensor) -> [(row: Int, reason: String)] {
        (0..<embeddings.shape[0]).compactMap { row in problem(in: embeddings, row: row).map { (row, $0) } }
    }
}
