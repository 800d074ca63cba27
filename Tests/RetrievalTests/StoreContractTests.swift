import Foundation
import Models
@testable import Retrieval
import RetrievalTestSupport
import Tensor
import Testing
import TestSupport

/// The backends a store can live in, each made fresh for one test.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A store for one test with whatever keeps its storage alive (a folder, a database).
struct StoreUnderTest {
    let store: any CollectionStore
    let reopen: () throws -> any CollectionStore
    let keepAlive: AnyObject

    /// A new empty store of `backend`, or nil when PostgreSQL is not available outside CI.
    static func make(_ backend: StoreBackend, postgresOptions: PostgresStoreOptions = PostgresStoreOptions(),
                     test: String = #function) throws -> StoreUnderTest? {
        switch backend {
        case .sqlite:
            let folder = try TemporaryFolder()
            let url = folder.file("store.sqlite")
            return StoreUnderTest(store: try EmbeddingStore(path: url), reopen: { try EmbeddingStore.openExisting(at: url) }, keepAlive: folder)
        case .postgres:
            guard let database = try PostgresTestDatabase.make(test) else { return nil }
            let location = database.location
            return StoreUnderTest(store: try PostgresStore(location: location, options: postgresOptions),
                                  reopen: { try PostgresStore.openExisting(at: location) }, keepAlive: database)
        }
    }
}

/// The contract every `CollectionStore` keeps, run with the same expectations against SQLite and
/// PostgreSQL (a real server, `scripts/test-postgres.sh`).
@Suite struct StoreContractTests {
    let identity = ModelIdentity(name: "store-test", checkpointHash: "abc123", dimension: 4, preprocessing: .openAICLIP)

    func item(_ key: String, _ vector: [Float]?, size: Int64 = 10, time: Double = 1, label: String? = nil) -> ItemRecord {
        ItemRecord(key: key, fileState: FileState(size: size, modificationTime: time), label: label, metadata: ["path": "/data/\(key)"],
                   embedding: vector)
    }

    @Test(arguments: StoreBackend.allCases)
    func recordsTheModelAndRefusesAnother(backend: StoreBackend) throws {
        guard let subject = try StoreUnderTest.make(backend) else { return }
        let store = subject.store
        #expect(try store.model() == nil)
        try store.begin(model: identity)
        try store.begin(model: identity)
        #expect(try store.model() == identity)

        var other = identity
        other.checkpointHash = "def456"
        let error = #expect(throws: StoreError.self) { try store.begin(model: other) }
        guard case let .modelMismatch(path, stored, requested, difference) = error else {
            Issue.record("expected modelMismatch, got \(String(describing: error))")
            return
        }
        #expect(path == store.location && stored == identity && requested == other)
        #expect(difference.contains("checkpoint hash"))
        var otherDimension = identity
        otherDimension.dimension = 8
        #expect(throws: StoreError.self) { try Retriever(store: store, model: otherDimension) }
        try store.verify(model: identity)
        #expect(try subject.reopen().model() == identity)
        #expect(throws: StoreError.self) { try subject.reopen().verify(model: other) }
    }

    @Test(arguments: StoreBackend.allCases)
    func upsertReplacesByKeyWithoutDuplicates(backend: StoreBackend) throws {
        guard let subject = try StoreUnderTest.make(backend) else { return }
        let store = subject.store
        try store.begin(model: identity)
        #expect(try store.upsert(IndexBatch(items: [item("a.jpg", [1, 0, 0, 0]), item("b.jpg", [0, 1, 0, 0], label: "dog")])) == 1)
        let idOfA = try store.items()[0].id
        #expect(try store.upsert(IndexBatch(items: [item("a.jpg", [0, 0, 1, 0], size: 11, time: 2)])) == 2)

        let items = try store.items()
        #expect(items.map(\.key) == ["a.jpg", "b.jpg"])
        #expect(items[0].id == idOfA && items[0].fileState == FileState(size: 11, modificationTime: 2))
        #expect(items[1].label == "dog" && items[1].metadata == ["path": "/data/b.jpg"] && items[1].hasEmbedding)
        let matrix = try store.embeddings(of: .items)
        #expect(matrix.keys == ["a.jpg", "b.jpg"])
        #expect(matrix.vectors.scalars == [0, 0, 1, 0, 0, 1, 0, 0])
        #expect(try store.embeddingCount(of: .items) == 2 && store.itemCount() == 2)
        #expect(try store.state() == StoreState(generation: 2, itemRemovalGeneration: 2, captionRemovalGeneration: 0))
        #expect(try store.embeddedItemStates() == ["a.jpg": FileState(size: 11, modificationTime: 2), "b.jpg": FileState(size: 10, modificationTime: 1)])
        #expect(try store.items(ids: [idOfA, 999_999]).keys.sorted() == [idOfA])
        #expect(try store.embedding(of: .items, id: idOfA) == [0, 0, 1, 0])
        #expect(try store.embedding(of: .items, id: items[1].id) == [0, 1, 0, 0])
        #expect(try store.embedding(of: .items, id: 999_999) == nil)
        #expect(try store.embedding(of: .captions, id: idOfA) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func refusesBadBatchesBeforeWritingAnything(backend: StoreBackend) throws {
        guard let subject = try StoreUnderTest.make(backend) else { return }
        let store = subject.store
        #expect(throws: StoreError.noModelRecorded(storePath: store.location)) { try store.upsert(IndexBatch(items: [item("a", [1, 0, 0, 0])])) }
        try store.begin(model: identity)
        #expect(throws: StoreError.dimensionMismatch(key: "b", expected: 4, actual: 3)) {
            try store.upsert(IndexBatch(items: [item("a", [1, 0, 0, 0]), item("b", [1, 0, 0])]))
        }
        #expect(throws: StoreError.nonFiniteEmbedding(key: "c")) {
            try store.upsert(IndexBatch(items: [item("a", [1, 0, 0, 0]), item("c", [.nan, 0, 0, 0])]))
        }
        #expect(throws: StoreError.duplicateKey(key: "a")) {
            try store.upsert(IndexBatch(items: [item("a", [1, 0, 0, 0]), item("a", [0, 1, 0, 0])]))
        }
        #expect(try store.itemCount() == 0 && store.state().generation == 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func captionsFailuresAndPruning(backend: StoreBackend) throws {
        guard let subject = try StoreUnderTest.make(backend) else { return }
        let store = subject.store
        try store.begin(model: identity)
        try store.upsert(IndexBatch(
            items: [item("a.jpg", [1, 0, 0, 0]), item("b.jpg", [0, 1, 0, 0])],
            captions: [CaptionRecord(key: "c1", text: "a cat", language: "en", itemKeys: ["a.jpg"], embedding: [1, 0, 0, 0]),
                       CaptionRecord(key: "c2", text: "two", itemKeys: ["a.jpg", "b.jpg"], embedding: nil)],
            failures: [IndexFailure(key: "bad.jpg", fileState: FileState(size: 3, modificationTime: 4), reason: "not an image")]))
        let captions = try store.captions()
        #expect(captions.map(\.key) == ["c1", "c2"] && captions.map(\.hasEmbedding) == [true, false])
        #expect(captions[0].text == "a cat" && captions[0].language == "en" && Set(captions[1].itemKeys) == ["a.jpg", "b.jpg"])
        #expect(try store.captions(ids: [captions[1].id])[captions[1].id]?.key == "c2")
        #expect(try store.failures() == [IndexFailure(key: "bad.jpg", fileState: FileState(size: 3, modificationTime: 4), reason: "not an image")])
        let images = try store.embeddings(of: .items), texts = try store.embeddings(of: .captions)
        #expect(texts.keys == ["c1"])
        #expect(try store.groundTruth(images: images, captions: texts).imagesOfCaption == [[0]])

        // An item that now fails loses its row; one that succeeds clears its failure.
        try store.upsert(IndexBatch(items: [item("bad.jpg", [0, 0, 0, 1])],
                                    failures: [IndexFailure(key: "b.jpg", fileState: nil, reason: "truncated")]))
        #expect(try store.items().map(\.key) == ["a.jpg", "bad.jpg"])
        #expect(try store.failures().map(\.key) == ["b.jpg"])
        #expect(try store.state().itemRemovalGeneration == 2)

        #expect(try store.pruneItems(keeping: ["a.jpg"]) == ["bad.jpg"])
        #expect(try store.failures().isEmpty)
        #expect(try store.pruneCaptions(keeping: ["c2"]) == ["c1"])
        #expect(try store.captions().map(\.key) == ["c2"] && store.embeddingCount(of: .captions) == 0)
        #expect(try store.state() == StoreState(generation: 4, itemRemovalGeneration: 3, captionRemovalGeneration: 4))
        #expect(try store.pruneItems(keeping: ["a.jpg"]).isEmpty)
    }

    /// Exact search gives the same neighbours, in the same order, with the same scores, on both
    /// backends (and on SQLite the same as `ExactIndex` over the stored matrix).
    @Test func exactSearchIsIdenticalAcrossBackends() throws {
        guard let sqlite = try StoreUnderTest.make(.sqlite), let postgres = try StoreUnderTest.make(.postgres) else { return }
        let dimension = 16
        let model = ModelIdentity(name: "store-test", checkpointHash: "abc123", dimension: dimension, preprocessing: .openAICLIP)
        let database = SyntheticVectors.clustered(count: 300, dimension: dimension, clusters: 6, seed: 1)  // [300, 16]
        let queries = SyntheticVectors.clustered(count: 12, dimension: dimension, clusters: 6, seed: 2)    // [12, 16]
        for store in [sqlite.store, postgres.store] {
            try store.begin(model: model)
            for start in stride(from: 0, to: 300, by: 100) {
                try store.upsert(IndexBatch(items: (start..<start + 100).map {
                    item(String(format: "%04d.jpg", $0), SyntheticVectors.row(database, $0))
                }))
            }
        }
        let expected = try sqlite.store.nearest(to: queries, owner: .items, k: 10, mode: .exact)
        let found = try postgres.store.nearest(to: queries, owner: .items, k: 10, mode: .exact)
        #expect(found.map { $0.map(\.key) } == expected.map { $0.map(\.key) })
        for (left, right) in zip(found.joined(), expected.joined()) { #expect(abs(left.score - right.score) < 1e-5) }
        let retrieved = try Retriever(store: postgres.store, model: model, backend: .exact).search(queries, direction: .imageToImage, k: 10)
        #expect(retrieved.map { $0.map(\.key) } == expected.map { $0.map(\.key) })

        // The HNSW index finds nearly all of them; a larger ef_search never finds fewer.
        let recall = { (mode: StoreSearchMode) -> Double in
            let approximate = try postgres.store.nearest(to: queries, owner: .items, k: 10, mode: mode)
            return Double(zip(approximate, expected).map { Set($0.map(\.key)).intersection($1.map(\.key)).count }.reduce(0, +)) / 120
        }
        let low = try recall(.index(efSearch: 10)), high = try recall(.index(efSearch: 200))
        #expect(high >= 0.95 && high >= low)
    }

    /// `halfvec` keeps 2-byte floats: values come back rounded to float16, search still works.
    @Test func halfvecStorageRoundsToHalfPrecision() throws {
        guard let subject = try StoreUnderTest.make(.postgres, postgresOptions: PostgresStoreOptions(storage: .halfvec, hnswLinks: 8,
                                                                                                      hnswConstructionCandidates: 32))
        else { return }
        let store = subject.store as! PostgresStore
        try store.begin(model: identity)
        #expect(try store.storeOptions() == PostgresStoreOptions(storage: .halfvec, hnswLinks: 8, hnswConstructionCandidates: 32))
        let value: Float = 0.1234567
        try store.upsert(IndexBatch(items: [item("a", [value, 1, 0, 0]), item("b", [0, 0, 1, 0])]))
        #expect(try store.embeddings(of: .items).vectors.scalars[0] == Float(Float16(value)))
        let hits = try store.nearest(to: Tensor(shape: [1, 4], scalars: [0, 0, 1, 0]), owner: .items, k: 2, mode: .index(efSearch: 40))
        #expect(hits[0].map(\.key) == ["b", "a"] && abs(hits[0][0].score - 1) < 1e-3)
    }

    @Test func postgresRefusesMissingAndForeignDatabases() throws {
        guard let database = try PostgresTestDatabase.make() else { return }
        #expect(throws: StoreError.missingStore(path: database.location.description)) { try PostgresStore.openExisting(at: database.location) }
        _ = try PostgresStore(location: database.location)   // creates the database and tables
        guard let foreign = try PostgresTestDatabase.make() else { return }
        let session = try PostgresSession(location: foreign.location.with(database: "postgres"))
        try session.execute("CREATE DATABASE \"\(foreign.location.database)\"")
        try PostgresSession(location: foreign.location).execute("CREATE TABLE invoices (id integer)")
        #expect(throws: StoreError.notAStore(path: foreign.location.description, tables: ["invoices"])) {
            try PostgresStore(location: foreign.location)
        }
        #expect(throws: StoreError.notAStore(path: foreign.location.description, tables: ["invoices"])) {
            try PostgresStore.openExisting(at: foreign.location)
        }
    }

    /// A server that is down gives a clear error; a connection lost mid-run fails at most the batch
    /// in flight (nothing of it is written) and the next call reconnects, keeping every committed batch.
    @Test func unreachableAndLostServersGiveClearErrorsAndResume() throws {
        guard let database = try PostgresTestDatabase.make() else { return }
        var down = database.location
        down.port = 1   // nothing listens there
        let error = #expect(throws: StoreError.self) { try PostgresStore(location: down) }
        guard case .databaseUnavailable = error else { Issue.record("expected databaseUnavailable, got \(String(describing: error))"); return }
        #expect(error!.description.contains("cannot reach PostgreSQL at \(down.description)"))
        #expect(error!.description.contains("indexing resumes where it stopped"))

        let store = try PostgresStore(location: database.location)
        try store.begin(model: identity)
        try store.upsert(IndexBatch(items: [item("a", [1, 0, 0, 0])]))
        let administration = try PostgresSession(location: database.location.with(database: "postgres"))
        try administration.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [.text(database.location.database)])
        // pg_terminate_backend only signals the backend: wait until it has exited, so the next
        // batch cannot still go through on it (on a loaded machine the signal can take seconds).
        let deadline = Date().addingTimeInterval(60)
        while try administration.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1", [.text(database.location.database)]).count > 0,
              Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Whether the client sees the lost connection before the next call is a race with the
        // server's FATAL message: either that batch fails with an error naming the database (and
        // its retry succeeds on a new connection), or the store has already reconnected and the
        // batch goes through.
        do {
            try store.upsert(IndexBatch(items: [item("b", [0, 1, 0, 0])]))
        } catch let lost as StoreError {
            #expect("\(lost)".contains(database.location.description))
            try store.upsert(IndexBatch(items: [item("b", [0, 1, 0, 0])]))
        }
        #expect(try store.items().map(\.key) == ["a", "b"])
    }
}
