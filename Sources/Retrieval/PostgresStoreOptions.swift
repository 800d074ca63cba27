/// How a `PostgresStore` keeps its vectors, decided when the store records its model (later
/// openings read the recorded choice back; the options given then are ignored).
///
/// The vector index is HNSW (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor
/// search using Hierarchical Navigable Small World graphs", 2018) over cosine distance
/// `1 − q·v / (‖q‖‖v‖)` (pgvector's `vector_cosine_ops`): each vector links to `m` neighbours
/// per layer, found while inserting among `efConstruction` candidates.
public struct PostgresStoreOptions: Sendable, Equatable, Codable {
    /// The column type of the embeddings.
    public enum Storage: String, Sendable, Codable, CaseIterable {
        /// 4-byte floats (`vector`): exact values, up to 2,000 dimensions in the HNSW index.
        case vector
        /// 2-byte floats (`halfvec`): half the size and index memory, values rounded to float16.
        case halfvec
    }

    public var storage: Storage
    /// HNSW links per vector and layer (pgvector's `m`, default 16).
    public var hnswLinks: Int
    /// HNSW candidates examined while inserting (pgvector's `ef_construction`, default 64).
    public var hnswConstructionCandidates: Int

    public init(storage: Storage = .vector, hnswLinks: Int = 16, hnswConstructionCandidates: Int = 64) {
        precondition(hnswLinks >= 2 && hnswConstructionCandidates >= 2 * hnswLinks,
                     "HNSW needs m ≥ 2 and ef_construction ≥ 2·m (pgvector's limits)")
        self.storage = storage
        self.hnswLinks = hnswLinks
        self.hnswConstructionCandidates = hnswConstructionCandidates
    }
}
