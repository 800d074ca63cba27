import ArgumentParser
import Foundation
import Models
import Retrieval
import RetrievalTestSupport
import Tensor

/// The collection stores side by side on clustered 512-d unit vectors (like real embeddings:
/// Gaussian clusters in a low-dimensional latent space, `SyntheticVectors.clustered`), in one run:
/// PostgreSQL + pgvector ingest with 1 and 2 worker processes (a bulk load by default: rows first,
/// then one `CREATE INDEX`, timed on its own; `--live-index` inserts into the live graph), its exact scan and HNSW search
/// (recall@10 against the exact top 10, queries/s at several ef_search), SQLite ingest and exact
/// in-memory search, and faiss HNSW (Debian's faiss behind CFaiss) with the same m.
struct StoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "PostgreSQL + pgvector (ingest with 1 and 2 workers, HNSW recall and q/s) beside SQLite + exact and faiss HNSW.",
        discussion: """
            Needs a PostgreSQL server with pgvector: scripts/test-postgres.sh start prints its URL. \
            swift run -c release clipkit-bench store --postgres postgres://postgres@127.0.0.1:55432/postgres --count 100000
            """)

    @Option(help: "A PostgreSQL server with pgvector (a scratch database is created on it and dropped after).")
    var postgres: String

    @Option(help: "Database vectors.")
    var count = 100_000

    @Option(help: "Vector width.")
    var dimension = 512

    @Option(help: "Clusters of the synthetic vectors.")
    var clusters = 100

    @Option(help: "Queries (searched one at a time, as a server would).")
    var queries = 200

    @Option(help: "Vectors per committed batch while ingesting.")
    var batchSize = 500

    @Option(help: "ef_search values to measure, comma-separated.")
    var efSearch = "40,100,200"

    @Option(help: "HNSW links per vector (pgvector's m; faiss HNSW<m>).")
    var hnswM = 16

    @Option(help: "PostgreSQL ingest worker process counts to measure, comma-separated (the last one's store is searched).")
    var workers = "1,2"

    @Flag(help: "Keep PostgreSQL's HNSW index live while ingesting (default: a bulk load, rows first and the index built after).")
    var liveIndex = false

    @Option(help: "Queries for PostgreSQL's exact scan (it compares every vector: slow at 1M); default all.")
    var exactQueries: Int?

    @Option(help: "PostgreSQL's parallel maintenance workers for CREATE INDEX (default: the server's max_parallel_maintenance_workers).")
    var buildWorkers: Int?

    @Flag(inversion: .prefixedNo, help: "Measure faiss HNSW beside PostgreSQL.")
    var faiss = true

    func run() throws {
        let server = try PostgresLocation(url: postgres)
        let efValues = efSearch.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        print("load average before: \(Self.loadAverage())")
        let database = StoreIngestWorker.vectors(start: 0, end: count, dimension: dimension, clusters: clusters, batchSize: batchSize)  // [count, dimension]
        let queryVectors = SyntheticVectors.clustered(count: queries, dimension: dimension, clusters: clusters, seed: 999_999)       // [queries, dimension]
        let truth = try ExactIndex(vectors: database).search(queryVectors, k: 10)
        let truthKeys = (0..<queries).map { Set(truth.indices(ofQuery: $0).map(StoreIngestWorker.key)) }
        var rows: [(String, String)] = []
        func record(_ row: (String, String)) {   // printed as it is measured too (long runs), and in the table at the end
            rows.append(row)
            print("  \(row.0): \(row.1)")
            fflush(stdout)
        }
        func recall(_ found: [[RetrievedItem]], first: Int? = nil) -> Double {
            Double(zip(found, truthKeys).map { Set($0.map(\.key)).intersection($1).count }.reduce(0, +)) / Double((first ?? queries) * 10)
        }

        // PostgreSQL: each worker count into its own scratch database; a bulk load drops the HNSW
        // index first and builds it after the rows are in (CREATE INDEX, timed on its own).
        let workerCounts = workers.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        guard !workerCounts.isEmpty else { throw ValidationError("--workers needs positive counts") }
        let serverCPU = PostgresServerCPU(port: server.port)
        func serverSeconds(_ body: () throws -> Void) throws -> (wall: Double, postgres: String) {
            let before = serverCPU?.seconds()
            let wall = try Self.timed(body)
            return (wall, before.map { String(format: ", PostgreSQL CPU %.0f s", serverCPU!.seconds() - $0) } ?? "")
        }
        var searched: PostgresStore?
        for (position, workers) in workerCounts.enumerated() {
            let location = server.with(database: "clipkit_bench_\(workers)_\(ProcessInfo.processInfo.processIdentifier)")
            let store = try PostgresStore(location: location, options: PostgresStoreOptions(hnswLinks: hnswM))
            try store.begin(model: Self.identity(dimension: dimension))
            if !liveIndex { try store.dropVectorIndex(of: .items) }
            let ingest = try serverSeconds {
                let share = (count + workers - 1) / workers
                let processes = try (0..<workers).map { worker -> Process in
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
                    process.arguments = ["store-ingest-worker", "--postgres", "\(location)", "--start", String(worker * share),
                                         "--end", String(min(count, (worker + 1) * share)), "--dimension", String(dimension),
                                         "--clusters", String(clusters), "--batch-size", String(batchSize)]
                    try process.run()
                    return process
                }
                for process in processes { process.waitUntilExit() }
                guard processes.allSatisfy({ $0.terminationStatus == 0 }) else { throw ValidationError("an ingest worker failed") }
            }
            let mode = liveIndex ? "HNSW m=\(hnswM) live" : "rows only, index built after"
            record(("PostgreSQL ingest, \(workers) worker process(es), \(mode)",
                   String(format: "%.0f vectors/s (%.1f s%@)", Double(count) / ingest.wall, ingest.wall, ingest.postgres)))
            if !liveIndex {
                let build = try serverSeconds { try store.buildMissingVectorIndexes(parallelWorkers: buildWorkers) }
                record(("PostgreSQL CREATE INDEX hnsw m=\(hnswM) ef_construction=64, "
                        + (buildWorkers.map { "\($0) parallel maintenance workers" } ?? "the server's parallel maintenance workers"),
                        String(format: "%.0f vectors/s (%.1f s%@)", Double(count) / build.wall, build.wall, build.postgres)))
            }
            if position == workerCounts.count - 1 { searched = store } else { try Self.drop(location) }
        }
        let store = searched!
        let exactCount = min(queries, exactQueries ?? queries)
        var exactFound: [[RetrievedItem]] = []
        let exactSeconds = try Self.timed {
            exactFound = try store.nearest(to: queryVectors.slice(0..<exactCount), owner: .items, k: 10, mode: .exact)
        }
        record(("PostgreSQL exact scan (\(exactCount) queries)",
                     String(format: "%.2f q/s, recall@10 %.4f", Double(exactCount) / exactSeconds, recall(exactFound, first: exactCount))))
        for ef in efValues {
            var found: [[RetrievedItem]] = []
            let seconds = try Self.timed { found = try store.nearest(to: queryVectors, owner: .items, k: 10, mode: .index(efSearch: ef)) }
            record(("PostgreSQL HNSW ef_search \(ef)", String(format: "%.1f q/s, recall@10 %.4f", Double(queries) / seconds, recall(found))))
        }
        try Self.drop(store.postgres)

        // SQLite + exact search in memory.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-bench-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try EmbeddingStore(path: folder.appendingPathComponent("store.db"))
        try sqlite.begin(model: Self.identity(dimension: dimension))
        let sqliteSeconds = try Self.timed {
            for start in stride(from: 0, to: count, by: batchSize) {
                try sqlite.upsert(IndexBatch(items: StoreIngestWorker.records(database, start: start, end: min(count, start + batchSize))))
            }
        }
        record(("SQLite ingest, 1 process", String(format: "%.0f vectors/s (%.1f s)", Double(count) / sqliteSeconds, sqliteSeconds)))
        let retriever = try Retriever(store: sqlite, model: Self.identity(dimension: dimension), backend: .exact)
        _ = try retriever.embeddings(of: .items)   // read once, as a server does
        var sqliteFound: [[RetrievedItem]] = []
        let sqliteSearch = try Self.timed {
            sqliteFound = try (0..<queries).flatMap { try retriever.search(queryVectors.slice($0..<($0 + 1)), direction: .imageToImage, k: 10) }
        }
        record(("SQLite + exact (in memory)", String(format: "%.1f q/s, recall@10 %.4f", Double(queries) / sqliteSearch, recall(sqliteFound))))

        // faiss HNSW with the same m.
        if faiss {
            let index = try ApproximateIndex(factory: "HNSW\(hnswM)", dimension: dimension)
            let build = try Self.timed { try index.add(database, ids: (0..<Int64(count)).map { $0 }) }
            record(("faiss HNSW\(hnswM) build", String(format: "%.0f vectors/s (%.1f s)", Double(count) / build, build)))
            for ef in efValues {
                try index.setParameter("efSearch", Double(ef))
                var hits = 0
                let seconds = try Self.timed {
                    hits = 0
                    for query in 0..<queries {
                        let found = try index.search(queryVectors.slice(query..<(query + 1)), k: 10)
                        hits += Set(found.neighbors(ofQuery: 0).map { StoreIngestWorker.key($0.index) }).intersection(truthKeys[query]).count
                    }
                }
                record(("faiss HNSW\(hnswM) efSearch \(ef)", String(format: "%.1f q/s, recall@10 %.4f", Double(queries) / seconds,
                                                                       Double(hits) / Double(queries * 10))))
            }
        }

        print("store benchmark: \(count) × \(dimension) clustered unit vectors (\(clusters) clusters), \(queries) queries one at a time, top 10")
        let width = rows.map(\.0.count).max() ?? 0
        for (name, value) in rows { print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
        print("load average after: \(Self.loadAverage())")
    }

    static func identity(dimension: Int) -> ModelIdentity {
        ModelIdentity(name: "bench-vectors", checkpointHash: "synthetic", dimension: dimension, preprocessing: nil)
    }

    static func timed(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func drop(_ location: PostgresLocation) throws {
        try PostgresStore.dropDatabase(location)
    }
}

/// One ingest worker process of `StoreBenchmark`: writes rows `start..<end` of the benchmark's
/// vectors (each batch generated from its own seed, so any process makes the same rows).
struct StoreIngestWorker: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store-ingest-worker", shouldDisplay: false)

    @Option var postgres: String
    @Option var start: Int
    @Option var end: Int
    @Option var dimension: Int
    @Option var clusters: Int
    @Option var batchSize: Int

    func run() throws {
        let store = try PostgresStore(location: PostgresLocation(url: postgres))
        for first in stride(from: start, to: end, by: batchSize) {
            let last = min(end, first + batchSize)
            let vectors = Self.vectors(start: first, end: last, dimension: dimension, clusters: clusters, batchSize: batchSize)  // [rows, dimension]
            try store.upsert(IndexBatch(items: Self.records(vectors, start: 0, end: last - first, keyOffset: first)))
        }
    }

    static func key(_ row: Int) -> String { String(format: "v%08d", row) }

    /// Rows `start..<end` (batch-aligned `start`) of the benchmark's vectors: batch `b` comes from seed `b`.
    static func vectors(start: Int, end: Int, dimension: Int, clusters: Int, batchSize: Int) -> Tensor {
        var scalars: [Float] = []
        scalars.reserveCapacity((end - start) * dimension)
        for first in stride(from: start, to: end, by: batchSize) {
            let batch = SyntheticVectors.clustered(count: min(batchSize, end - first), dimension: dimension, clusters: clusters,
                                                   seed: UInt64(first / batchSize))   // [rows, dimension]
            scalars += batch.scalars
        }
        return Tensor(shape: [end - start, dimension], scalars: scalars)
    }

    static func records(_ vectors: Tensor, start: Int, end: Int, keyOffset: Int = 0) -> [ItemRecord] {
        (start..<end).map { row in
            ItemRecord(key: key(keyOffset + row), fileState: FileState(size: 0, modificationTime: 0),
                       embedding: SyntheticVectors.row(vectors, row))
        }
    }
}
