import Foundation
import PostgresNIO

/// The HNSW index of a `PostgresStore`'s embedding table, kept live by ordinary indexing and
/// dropped for a bulk load, then built once over every row (pgvector's advice: loading rows first
/// and building the graph after is several times faster than inserting into a live graph).
///
/// - A bulk load starts in `enqueue(_:batchSize:retryingFailures:deferringVectorIndexFrom:)`: when
///   it queues at least that many keys and at least as many as the table holds, the item index is
///   dropped in the same transaction. Until it is built again, searches (`nearest`) scan every
///   vector: exact results, slower (`hasVectorIndex(of:)` says which).
/// - `buildMissingVectorIndexes()` builds the missing indexes under a session advisory lock, so
///   among workers finishing together one builds and the others wait and find it built. The
///   build is one transaction with the `vector_index_builds` counter; its connection checks every
///   second that the client is still there, so a worker killed mid-build leaves no index (and no
///   count), and the next worker to finish, or any later `clipkit index`, builds it.
extension PostgresStore {
    /// The index's name in `owner`'s embedding table.
    static func vectorIndexName(_ owner: EmbeddingOwner) -> String { PostgresSchema.embeddingTable(owner).table + "_hnsw" }

    /// `CREATE INDEX` for `owner`'s embeddings with the store's HNSW settings.
    static func vectorIndexStatement(_ owner: EmbeddingOwner, options: PostgresStoreOptions) -> String {
        """
        CREATE INDEX IF NOT EXISTS \(vectorIndexName(owner)) ON \(PostgresSchema.embeddingTable(owner).table)
        USING hnsw (embedding \(options.storage.rawValue)_cosine_ops) WITH (m = \(options.hnswLinks), ef_construction = \(options.hnswConstructionCandidates))
        """
    }

    /// Whether `owner`'s HNSW index exists (false before the model is recorded and during a bulk load).
    public func hasVectorIndex(of owner: EmbeddingOwner) throws -> Bool {
        try session.query("SELECT to_regclass($1) IS NOT NULL", [.text(Self.vectorIndexName(owner))])[0].decode(Bool.self)
    }

    /// How many HNSW indexes were built after bulk loads (the indexes made with the tables excluded).
    public func vectorIndexBuildCount() throws -> Int {
        try session.query("SELECT COALESCE((SELECT vector_index_builds FROM store_options WHERE id = 1), 0)")[0].decode(Int.self)
    }

    /// Drops `owner`'s HNSW index for a bulk load (the job queue's enqueue does it inside its
    /// transaction; benchmarks and imports that write with `upsert` call it themselves, then
    /// `buildMissingVectorIndexes()`).
    public func dropVectorIndex(of owner: EmbeddingOwner) throws {
        try session.execute("DROP INDEX IF EXISTS \(Self.vectorIndexName(owner))")
    }

    /// Builds each missing HNSW index over the rows present, once: under a session advisory lock
    /// (concurrent callers wait, then find the index built), with `maintenance_work_mem` sized to
    /// hold the graph (so the build stays in memory) and the server's parallel maintenance
    /// workers, or `parallelWorkers` of them. Nothing while the job table has open jobs (the
    /// workers of that bulk load build it when they finish). Returns the sides built.
    @discardableResult
    public func buildMissingVectorIndexes(parallelWorkers: Int? = nil) throws -> [EmbeddingOwner] {
        guard try hasEmbeddingTables(), let options = try storeOptions(), let model = try storedModel() else { return [] }
        guard try openJobCount() == 0 else { return [] }   // a bulk load in progress: its last worker builds
        let lock = "SELECT pg_advisory_lock(hashtext('clipkit vector index build'))"
        try session.execute(lock)
        defer { _ = try? session.execute("SELECT pg_advisory_unlock(hashtext('clipkit vector index build'))") }
        var built: [EmbeddingOwner] = []
        for owner in EmbeddingOwner.allCases {
            guard try !hasVectorIndex(of: owner) else { continue }
            let rows = try embeddingCount(of: owner)
            try session.transaction {
                try session.execute("SET LOCAL client_connection_check_interval = '1s'")
                try session.execute("SET LOCAL maintenance_work_mem = '\(Self.buildMemoryMegabytes(rows: rows, dimension: model.dimension, options: options))MB'")
                if let parallelWorkers { try session.execute("SET LOCAL max_parallel_maintenance_workers = \(max(0, parallelWorkers))") }
                try session.execute(Self.vectorIndexStatement(owner, options: options))
                try session.execute("UPDATE store_options SET vector_index_builds = vector_index_builds + 1 WHERE id = 1")
            }
            built.append(owner)
        }
        return built
    }

    /// Memory for building the graph of `rows` vectors in one piece: each element holds its vector
    /// and up to 2·m neighbours on layer 0 (plus ~m/ln m on the upper layers), 6-byte item pointers
    /// and a few dozen bytes of bookkeeping; doubled for headroom, at least 64 MB and at most a
    /// quarter of this machine's memory (the server's when both share it, as in tests and benchmarks).
    static func buildMemoryMegabytes(rows: Int, dimension: Int, options: PostgresStoreOptions) -> Int {
        let elementBytes = dimension * (options.storage == .vector ? 4 : 2) + 3 * options.hnswLinks * 6 + 96
        let wanted = 2 * rows * elementBytes / (1 << 20)
        let ceiling = Int(ProcessInfo.processInfo.physicalMemory / 4 / (1 << 20))
        return max(64, min(wanted, ceiling))
    }
}
