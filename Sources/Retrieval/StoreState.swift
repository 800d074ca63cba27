/// The generation counters of an `EmbeddingStore` (see `StoreSchema`).
public struct StoreState: Sendable, Equatable, Codable {
    /// The generation of the last write transaction (0 for a new store).
    public var generation: Int64
    /// The last generation that deleted or replaced an item embedding.
    public var itemRemovalGeneration: Int64
    /// The last generation that deleted or replaced a caption embedding.
    public var captionRemovalGeneration: Int64

    /// The removal generation of `owner`'s embeddings.
    public func removalGeneration(of owner: EmbeddingOwner) -> Int64 {
        owner == .items ? itemRemovalGeneration : captionRemovalGeneration
    }
}
