import Foundation
import Models
@testable import Retrieval
import RetrievalTestSupport
import Tensor
import Testing
import TestSupport

/// The bulk-load path of a `PostgresStore` (`PostgresVectorIndex`): a large enqueue drops the item
/// HNSW index, rows go in without it (searches scan every vector, exactly), and the index is built
/// once after the queue empties — by one of the workers finishing together, or by the next one
/// when the builder is killed mid-build.
@Suite(.serialized) struct BulkLoadTests {
    static let dimension = 16

    static func records(keys: [String], seed: UInt64) -> [ItemRecord] {
        let vectors = SyntheticVectors.clustered(count: keys.count, dimension: dimension, clusters: 4, seed: seed)   // [keys, dimension]
        return keys.enumerated().map { row, key in
            ItemRecord(key: key, fileState: FileState(size: Int64(row), modificationTime: 1), embedding: SyntheticVectors.row(vectors, row))
        }
    }

    /// Claims and completes every open job with `records` (by key), in this process.
    static func work(_ store: PostgresStore, records: [ItemRecord]) throws {
        let byKey = Dictionary(uniqueKeysWithValues: records.map { ($0.key, $0) })
        while let job = try store.claimJob(worker: "test", leaseSeconds: 60) {
            try store.complete(job, with: IndexBatch(items: job.keys.map { byKey[$0]! }))
        }
    }

    @Test func bulkLoadSearchesExactlyUntilTheIndexIsBuiltOnce() throws {
        guard let database = try PostgresTestDatabase.make() else { return }
        let store = try PostgresStore(location: database.location)
        try store.begin(model: ModelIdentity(name: "vectors", checkpointHash: "test", dimension: Self.dimension, preprocessing: nil))
        #expect(try store.hasVectorIndex(of: .items) && store.hasVectorIndex(of: .captions))
        #expect(try store.vectorIndexBuildCount() == 0)

        let keys = (0..<60).map { String(format: "k%03d", $0) }
        let records = Self.records(keys: keys, seed: 5)
        #expect(try store.enqueue(keys.map { (key: $0, fileState: FileState?.none) }, batchSize: 8, deferringVectorIndexFrom: 10) == 8)
        #expect(try !store.hasVectorIndex(of: .items), "a bulk load of an empty store drops the item index")
        #expect(try store.hasVectorIndex(of: .captions))
        try Self.work(store, records: records)

        // Before the build: index mode scans every vector, so it returns the exact top k.
        let queries = SyntheticVectors.clustered(count: 5, dimension: Self.dimension, clusters: 4, seed: 77)   // [5, dimension]
        let exact = try store.nearest(to: queries, owner: .items, k: 7, mode: .exact)
        let truth = try ExactIndex(vectors: Tensor(shape: [60, Self.dimension], scalars: records.flatMap { $0.embedding! })).search(queries, k: 7)
        for query in 0..<5 { #expect(exact[query].map(\.key) == truth.indices(ofQuery: query).map { keys[$0] }) }
        #expect(try store.nearest(to: queries, owner: .items, k: 7, mode: .index(efSearch: 40)) == exact)

        #expect(try store.buildMissingVectorIndexes() == [.items])
        #expect(try store.hasVectorIndex(of: .items) && store.vectorIndexBuildCount() == 1)
        #expect(try store.buildMissingVectorIndexes().isEmpty, "a built index is not built again")
        #expect(try store.vectorIndexBuildCount() == 1)
        // After: the HNSW index answers (60 vectors, ef_search 100: every one examined, the exact neighbours).
        let indexed = try store.nearest(to: queries, owner: .items, k: 7, mode: .index(efSearch: 100))
        #expect(indexed.map { $0.map(\.key) } == exact.map { $0.map(\.key) })
        for (found, expected) in zip(indexed.joined(), exact.joined()) { #expect(abs(found.score - expected.score) < 1e-5) }

        // Small additions keep the index live: fewer keys than the minimum, or fewer than the store holds.
        let more = (60..<63).map { String(format: "k%03d", $0) }
        try store.enqueue(more.map { (key: $0, fileState: FileState?.none) }, batchSize: 8, deferringVectorIndexFrom: 10)
        #expect(try store.hasVectorIndex(of: .items))
        let many = (63..<93).map { String(format: "k%03d", $0) }
        try store.enqueue(many.map { (key: $0, fileState: FileState?.none) }, batchSize: 8, deferringVectorIndexFrom: 10)
        #expect(try store.hasVectorIndex(of: .items), "30 new keys beside 60 stored is not a bulk load")
        try Self.work(store, records: Self.records(keys: more + many, seed: 6))
        #expect(try store.embeddingCount(of: .items) == 93 && store.vectorIndexBuildCount() == 1)
    }

    @Test func twoWorkersFinishingTogetherBuildTheIndexOnce() throws {
        guard let database = try PostgresTestDatabase.make() else { return }
        let helper = try #require(KillAndResumeTests.helperExecutable, "retrieval-test-indexer was not built")
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.file("images"), withIntermediateDirectories: true)
        for index in 0..<40 { try TestImages.write(to: folder.file("images/p\(index).png"), red: UInt8(index), green: 7, variant: index) }
        _ = try PostgresStore(location: database.location)
        let url = "postgres://\(database.location.user)@\(database.location.host):\(database.location.port)/\(database.location.database)"
        let workers = try (0..<2).map { _ in
            try DistributedIndexingTests.Worker(helper: helper, store: url, folder: folder.file("images"), batchSize: 4, delay: 0.05, lease: 30,
                                                bulkLoadFrom: 1)
        }
        for worker in workers { worker.process.waitUntilExit() }
        #expect(workers.allSatisfy { $0.process.terminationStatus == 0 })
        let store = try PostgresStore.openExisting(at: database.location)
        #expect(try store.embeddingCount(of: .items) == 40 && store.openJobCount() == 0)
        #expect(try store.hasVectorIndex(of: .items))
        #expect(try store.vectorIndexBuildCount() == 1)
    }

    @Test func workerKilledDuringTheFinalBuildLeavesTheBuildToTheNext() throws {
        guard let database = try PostgresTestDatabase.make() else { return }
        let helper = try #require(KillAndResumeTests.helperExecutable, "retrieval-test-indexer was not built")
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.file("images"), withIntermediateDirectories: true)
        for index in 0..<24 { try TestImages.write(to: folder.file("images/p\(index).png"), red: UInt8(index), green: 9, variant: index) }
        let model = ImageTextModel.fixedVectorDouble()
        try PostgresStore(location: database.location).begin(model: model.identity)
        let url = "postgres://\(database.location.user)@\(database.location.host):\(database.location.port)/\(database.location.database)"
        let start = {
            try DistributedIndexingTests.Worker(helper: helper, store: url, folder: folder.file("images"), batchSize: 4, delay: 0.3, lease: 30,
                                                bulkLoadFrom: 1)
        }
        let observer = try PostgresStore.openExisting(at: database.location)
        func waitFor(_ what: String, _ condition: () throws -> Bool) throws {
            let deadline = Date().addingTimeInterval(30)
            while try !condition() {
                guard Date() < deadline else { Issue.record("timed out waiting for \(what)"); return }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }

        let worker = try start()
        try waitFor("the bulk load to drop the index") { try !observer.hasVectorIndex(of: .items) }
        // Hold a lock that lets rows in but makes CREATE INDEX wait, so the build is caught mid-way.
        let blocker = try PostgresSession(location: database.location)
        try blocker.execute("BEGIN")
        try blocker.execute("LOCK TABLE item_embeddings IN ROW EXCLUSIVE MODE")
        let building = """
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX%' AND pid <> pg_backend_pid()
            """
        try waitFor("the worker's CREATE INDEX") { try observer.session.query(building)[0].decode(Int.self) == 1 }
        kill(worker.process.processIdentifier, SIGKILL)
        worker.process.waitUntilExit()
        #expect(worker.process.terminationReason == .uncaughtSignal)
        // The server notices the lost client within its 1 s connection check and abandons the build.
        try waitFor("the killed worker's build to end") { try observer.session.query(building)[0].decode(Int.self) == 0 }
        try blocker.execute("COMMIT")
        #expect(try !observer.hasVectorIndex(of: .items) && observer.vectorIndexBuildCount() == 0)
        #expect(try observer.embeddingCount(of: .items) == 24 && observer.openJobCount() == 0)

        let next = try start()   // nothing left to embed: it only builds the index
        next.process.waitUntilExit()
        #expect(next.process.terminationStatus == 0)
        #expect(try observer.hasVectorIndex(of: .items) && observer.vectorIndexBuildCount() == 1)
        let matrix = try observer.embeddings(of: .items)
        #expect(matrix.count == 24 && Set(matrix.keys).count == 24)
        for (row, key) in matrix.keys.enumerated() {
            #expect(SyntheticVectors.row(matrix.vectors, row) == (try model.expectedVector(forImageFile: folder.file("images/\(key)"))))
        }
    }
}
