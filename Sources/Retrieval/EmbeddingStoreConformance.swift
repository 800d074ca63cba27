import Tensor

/// The SQLite store as a `CollectionStore`: it keeps no vector index of its own, so `nearest`
/// reads the embeddings and scans them exactly (`ExactIndex`); `Retriever` keeps the matrix in
/// memory and adds faiss indexes beside the file instead of calling it per query.
extension EmbeddingStore: CollectionStore {
    public var location: String { url.path }

    public var searchesInPlace: Bool { false }

    public func claimForIndexing() throws -> AnyObject { try lockForIndexing() }

    public func embeddings(of owner: EmbeddingOwner) throws -> EmbeddingMatrix {
        try embeddings(of: owner, writtenAfter: nil)
    }

    public func nearest(to queries: Tensor, owner: EmbeddingOwner, k: Int, mode: StoreSearchMode) throws -> [[RetrievedItem]] {
        let matrix = try embeddings(of: owner)
        guard matrix.count > 0 else { throw SearchError.emptyDatabase }
        let results = try ExactIndex(vectors: matrix.vectors).search(queries, k: min(k, matrix.count))
        return (0..<results.queryCount).map { query in
            results.neighbors(ofQuery: query).map { RetrievedItem(key: matrix.keys[$0.index], id: matrix.ids[$0.index], score: $0.score) }
        }
    }
}
