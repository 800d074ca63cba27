import Models
import Foundation
import Tensor

/// One search hit named by the store: key (path or id), store row id and score.
public struct RetrievedItem: Sendable, Equatable {
    public var key: String
    public var id: Int64
    public var score: Float
}

/// How a `Retriever` searches.
public enum SearchBackend: Sendable, Equatable {
    /// `ExactIndex`: blocked BLAS products with partial top-k.
    case exact
    /// `ExactIndex` with an 8-bit copy of the embeddings built in memory when they are read: one
    /// query scans the copy and rescores its `candidates` best rows in fp32 (`QuantizedScan`).
    case exactQuantized(candidates: Int)
    /// A faiss index kept beside the store (`StoreApproximateIndex`), with search parameters
    /// such as `["efSearch": 128]` or `["nprobe": 16]`.
    case approximate(factory: String, parameters: [String: Double])
    /// The store's own vector index, for stores that search in place (PostgreSQL: HNSW with
    /// `hnsw.ef_search` = `efSearch`); a store without one (SQLite) searches exactly.
    case storeIndex(efSearch: Int?)

    /// How a store that searches in place runs this backend (the 8-bit scan is an in-memory
    /// speed-up, so such a store scans exactly).
    var storeSearchMode: StoreSearchMode {
        switch self {
        case .exact, .exactQuantized: return .exact
        case let .storeIndex(efSearch): return .index(efSearch: efSearch)
        case let .approximate(_, parameters): return .index(efSearch: parameters["efSearch"].map { Int($0) })
        }
    }
}

/// Searches a store's embeddings in any direction for query vectors produced by the store's
/// model (a thin layer for the CLI: embed the queries, then call `search`).
///
/// The model is checked against the store on creation. A store that searches in place
/// (PostgreSQL) answers each query itself; otherwise embeddings are read from the store once, on
/// first use of each side, and searched in memory (exactly, or through a faiss index beside a
/// SQLite store).
public final class Retriever: @unchecked Sendable {
    public let store: any CollectionStore
    public let backend: SearchBackend
    private var databases: [EmbeddingOwner: (matrix: EmbeddingMatrix, exact: ExactIndex?, approximate: ApproximateIndex?)] = [:]
    private let lock = NSLock()

    /// Refuses a store built with another model (`StoreError.modelMismatch`).
    public init(store: any CollectionStore, model: ModelIdentity, backend: SearchBackend = .exact) throws {
        try store.verify(model: model)
        self.store = store
        self.backend = backend
    }

    /// The top `k` of the direction's database for each query row (`[Q, D]`), best first.
    public func search(_ queries: Tensor, direction: RetrievalDirection, k: Int) throws -> [[RetrievedItem]] {
        if store.searchesInPlace {
            return try store.nearest(to: queries, owner: direction.database, k: k, mode: backend.storeSearchMode)
        }
        let (matrix, exact, approximate) = try database(direction.database)
        let results: SearchResults
        if let approximate {
            results = try approximate.search(queries, k: min(k, matrix.count))
            let rows = matrix.rowsByID()
            return (0..<results.queryCount).map { query in
                results.neighbors(ofQuery: query).compactMap { neighbor in
                    rows[Int64(neighbor.index)].map { RetrievedItem(key: matrix.keys[$0], id: matrix.ids[$0], score: neighbor.score) }
                }
            }
        }
        results = try exact!.search(queries, k: k)
        return named(results, matrix)
    }

    /// Images most similar to the stored images `keys`, each excluding itself (exact search).
    public func similarImages(toKeys keys: [String], k: Int) throws -> [[RetrievedItem]] {
        let (matrix, exact, _) = try database(.items)
        let rows = matrix.rowsByKey()
        let queryRows = try keys.map { key in
            guard let row = rows[key] else {
                throw SearchError.unknownItem(key: key, storePath: store.location)
            }
            return row
        }
        let index = try exact ?? ExactIndex(vectors: matrix.vectors)
        let queries = Tensor(shape: [queryRows.count, matrix.dimension]) { output in
            for (position, row) in queryRows.enumerated() {
                (output.baseAddress! + position * matrix.dimension).initialize(from: matrix.vectors.pointer + row * matrix.dimension,
                                                                                count: matrix.dimension)
            }
        }
        return named(try index.search(queries, k: k, excluding: queryRows), matrix)
    }

    /// The embeddings searched for `owner`, read on first use.
    public func embeddings(of owner: EmbeddingOwner) throws -> EmbeddingMatrix { try database(owner).0 }

    private func named(_ results: SearchResults, _ matrix: EmbeddingMatrix) -> [[RetrievedItem]] {
        (0..<results.queryCount).map { query in
            results.neighbors(ofQuery: query).map { RetrievedItem(key: matrix.keys[$0.index], id: matrix.ids[$0.index], score: $0.score) }
        }
    }

    private func database(_ owner: EmbeddingOwner) throws -> (EmbeddingMatrix, ExactIndex?, ApproximateIndex?) {
        lock.lock()
        defer { lock.unlock() }
        if let cached = databases[owner] { return cached }
        let matrix: EmbeddingMatrix = try store.embeddings(of: owner)
        guard matrix.count > 0 else { throw SearchError.emptyDatabase }
        let entry: (matrix: EmbeddingMatrix, exact: ExactIndex?, approximate: ApproximateIndex?)
        switch backend {
        case .exact, .storeIndex:
            entry = (matrix, try ExactIndex(vectors: matrix.vectors), nil)
        case let .exactQuantized(candidates):
            entry = (matrix, try ExactIndex(vectors: matrix.vectors).withQuantizedScan(candidates: candidates), nil)
        case let .approximate(factory, parameters):
            guard let store = store as? EmbeddingStore else { throw SearchError.approximateIndexNeedsFile(storePath: store.location) }
            let index = try StoreApproximateIndex.synchronize(store: store, owner: owner, factory: factory).index
            for (name, value) in parameters.sorted(by: { $0.key < $1.key }) { try index.setParameter(name, value) }
            entry = (matrix, nil, index)
        }
        databases[owner] = entry
        return entry
    }
}
