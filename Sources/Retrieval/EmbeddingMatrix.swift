import Tensor

/// Embeddings read from a store: one row per item or caption, with its store id and key.
public struct EmbeddingMatrix: Sendable {
    /// Whose embeddings these are.
    public let owner: EmbeddingOwner
    /// Store row ids, ascending; row `i` of `vectors` belongs to `ids[i]`.
    public let ids: [Int64]
    /// Keys (paths or data-file ids), aligned with `ids`.
    public let keys: [String]
    /// `[count, dimension]`.
    public let vectors: Tensor

    public init(owner: EmbeddingOwner, ids: [Int64], keys: [String], vectors: Tensor) {
        precondition(ids.count == keys.count && vectors.rank == 2 && vectors.shape[0] == ids.count,
                     "ids, keys and vectors must have one entry per row")
        self.owner = owner
        self.ids = ids
        self.keys = keys
        self.vectors = vectors
    }

    public var count: Int { ids.count }
    public var dimension: Int { vectors.shape[1] }

    /// Row index of each key.
    public func rowsByKey() -> [String: Int] {
        Dictionary(keys.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// Row index of each store id.
    public func rowsByID() -> [Int64: Int] {
        Dictionary(ids.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }
}
