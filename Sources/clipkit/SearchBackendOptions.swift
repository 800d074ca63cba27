import ArgumentParser
import Retrieval

/// How `search` and `retrieve` search: exactly, through a faiss index kept beside a SQLite store,
/// or through a PostgreSQL store's own HNSW index (the default there; `--ef-search` tunes it).
struct SearchBackendOptions: ParsableArguments {
    @Flag(help: "Search every vector exactly even when an approximate index exists.")
    var exact = false

    @Flag(help: ArgumentHelp("Exact search through an 8-bit copy of the embeddings (built in memory), rescoring the best 4096 rows "
                             + "in fp32: faster for single queries on AVX512_VNNI CPUs, the same top results."))
    var quantizedScan = false

    @Option(help: ArgumentHelp(
        "Search through this faiss index (HNSW32, IVF1024,Flat, …), building or updating it beside the store. "
            + "Default: the index `clipkit index --ann` built, else exact search.", valueName: "factory"))
    var ann: String?

    @Option(help: "HNSW (faiss, or PostgreSQL's hnsw.ef_search): candidates examined per query (higher: better recall, slower).")
    var efSearch: Int?

    @Option(help: "IVF: clusters visited per query (higher: better recall, slower).")
    var nprobe: Int?

    func validate() throws {
        if exact && ann != nil { throw ValidationError("give either --exact or --ann, not both") }
        if quantizedScan && ann != nil { throw ValidationError("give either --quantized-scan or --ann, not both") }
        if let efSearch, efSearch < 1 { throw ValidationError("--ef-search must be at least 1") }
        if let nprobe, nprobe < 1 { throw ValidationError("--nprobe must be at least 1") }
    }

    /// The backend for searching `owner`'s embeddings in `store`.
    func backend(for store: any CollectionStore, owner: EmbeddingOwner) throws -> SearchBackend {
        if quantizedScan { return .exactQuantized(candidates: QuantizedScan.defaultCandidateCount) }
        if exact { return .exact }
        guard let store = store as? EmbeddingStore else {
            if ann != nil { throw SearchError.approximateIndexNeedsFile(storePath: store.location) }
            // During a bulk load the HNSW index is not built yet: PostgreSQL scans every vector.
            if let postgres = store as? PostgresStore, try !postgres.hasVectorIndex(of: owner) { return .exact }
            return .storeIndex(efSearch: efSearch)
        }
        guard let factory = ann ?? StoreApproximateIndex.builtFactories(for: store, owner: owner).first else { return .exact }
        var parameters: [String: Double] = [:]
        if let efSearch { parameters["efSearch"] = Double(efSearch) }
        if let nprobe { parameters["nprobe"] = Double(nprobe) }
        return .approximate(factory: factory, parameters: parameters)
    }
}

extension SearchBackend {
    var summary: String {
        switch self {
        case .exact: return "exact"
        case let .exactQuantized(candidates): return "exact (8-bit scan, \(candidates) rescored in fp32)"
        case let .approximate(factory, _): return "faiss \(factory)"
        case let .storeIndex(efSearch): return "PostgreSQL HNSW" + (efSearch.map { " (ef_search \($0))" } ?? "")
        }
    }
}
