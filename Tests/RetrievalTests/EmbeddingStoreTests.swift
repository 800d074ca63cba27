import Foundation
import Imaging
import Models
import GRDB
@testable import Retrieval
import Tensor
import Testing
import TestSupport

@Suite struct EmbeddingStoreTests {
    let identity = ModelIdentity(name: "store-test", checkpointHash: "abc123", dimension: 4, preprocessing: .openAICLIP)

    func item(_ key: String, _ vector: [Float]?, size: Int64 = 10, time: Double = 1) -> ItemRecord {
        ItemRecord(key: key, fileState: FileState(size: size, modificationTime: time), embedding: vector)
    }

    @Test func recordsTheModelAndRefusesAnother() throws {
        let folder = try TemporaryFolder()
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        #expect(try store.model() == nil)
        try store.begin(model: identity)
        try store.begin(model: identity)  // the same model again is fine
        #expect(try store.model() == identity)

        var other = identity
        other.checkpointHash = "def456"
        let error = #expect(throws: StoreError.self) { try store.begin(model: other) }
        guard case let .modelMismatch(_, stored, requested, difference) = error else {
            Issue.record("expected modelMismatch, got \(String(describing: error))")
            return
        }
        #expect(stored == identity && requested == other)
        #expect(difference.contains("checkpoint hash"))
        #expect(error!.description.contains("index the collection again"))

        var otherPreprocessing = identity
        otherPreprocessing.preprocessing = .competitionRetrieval
        #expect(throws: StoreError.self) { try store.verify(model: otherPreprocessing) }
        var otherDimension = identity
        otherDimension.dimension = 8
        #expect(throws: StoreError.self) { try Retriever(store: store, model: otherDimension) }
        try store.verify(model: identity)

        // The identity survives reopening.
        let reopened = try EmbeddingStore.openExisting(at: folder.file("store.sqlite"))
        #expect(try reopened.model() == identity)
    }

    @Test func upsertReplacesByKeyWithoutDuplicates() throws {
        let folder = try TemporaryFolder()
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        try store.begin(model: identity)
        try store.upsert(IndexBatch(items: [item("a.jpg", [1, 0, 0, 0]), item("b.jpg", [0, 1, 0, 0])]))
        let idOfA = try store.items()[0].id
        try store.upsert(IndexBatch(items: [item("a.jpg", [0, 0, 1, 0], size: 11, time: 2)]))

        let items = try store.items()
        #expect(items.map(\.key) == ["a.jpg", "b.jpg"])
        #expect(items[0].id == idOfA && items[0].fileState == FileState(size: 11, modificationTime: 2))
        let matrix = try store.embeddings()
        #expect(matrix.keys == ["a.jpg", "b.jpg"])
        #expect(matrix.vectors.scalars == [0, 0, 1, 0, 0, 1, 0, 0])
        #expect(try store.embeddingCount() == 2)
        // Replacing an embedding marks it as a removal for derived indexes.
        let state = try store.state()
        #expect(state.generation == 2 && state.itemRemovalGeneration == 2)
    }

    @Test func refusesBadVectorsBeforeWritingAnything() throws {
        let folder = try TemporaryFolder()
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        #expect(throws: StoreError.noModelRecorded(storePath: store.url.path)) {
            try store.upsert(IndexBatch(items: [item("a", [1, 0, 0, 0])]))
        }
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
        #expect(try store.itemCount() == 0)
        #expect(try store.state().generation == 0)
    }

    @Test func failuresAreRecordedAndClearedBySuccess() throws {
        let folder = try TemporaryFolder()
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        try store.begin(model: identity)
        try store.upsert(IndexBatch(items: [item("good.jpg", [1, 0, 0, 0]), item("later-bad.jpg", [0, 1, 0, 0])]))
        let state = FileState(size: 3, modificationTime: 5)
        try store.upsert(IndexBatch(failures: [IndexFailure(key: "bad.jpg", fileState: state, reason: "corrupt"),
                                               IndexFailure(key: "later-bad.jpg", fileState: state, reason: "truncated")]))
        #expect(try store.failures().map(\.key) == ["bad.jpg", "later-bad.jpg"])
        #expect(try store.failures()[0] == IndexFailure(key: "bad.jpg", fileState: state, reason: "corrupt"))
        // A file that fails after a success loses its stale embedding.
        #expect(try store.embeddings().keys == ["good.jpg"])

        try store.upsert(IndexBatch(items: [item("bad.jpg", [0, 0, 1, 0])]))
        #expect(try store.failures().map(\.key) == ["later-bad.jpg"])
    }

    @Test func pruneDropsItemsNoLongerListed() throws {
        let folder = try TemporaryFolder()
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        try store.begin(model: identity)
        try store.upsert(IndexBatch(
            items: [item("a", [1, 0, 0, 0]), item("b", [0, 1, 0, 0]), item("c", [0, 0, 1, 0])],
            captions: [CaptionRecord(key: "t1", text: "first", language: "en", itemKeys: ["a", "b"], embedding: [1, 1, 0, 0]),
                       CaptionRecord(key: "t2", text: "second", itemKeys: ["c"], embedding: nil)]))
        let before = try store.state()
        #expect(try store.pruneItems(keeping: ["a", "c"]) == ["b"])
        #expect(try store.items().map(\.key) == ["a", "c"])
        #expect(try store.embeddingCount() == 2)
        #expect(try store.state().itemRemovalGeneration > before.itemRemovalGeneration)
        #expect(try store.pruneItems(keeping: ["a", "c"]) == [])

        #expect(try store.pruneCaptions(keeping: ["t1"]) == ["t2"])
        let captions = try store.captions()
        #expect(captions.count == 1)
        #expect(captions[0].key == "t1" && captions[0].language == "en" && Set(captions[0].itemKeys) == ["a", "b"])
        #expect(captions[0].hasEmbedding)
    }

    @Test func groundTruthLinksFollowTheMatrices() throws {
        let folder = try TemporaryFolder()
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        try store.begin(model: identity)
        try store.upsert(IndexBatch(
            items: [item("a", [1, 0, 0, 0]), item("b", [0, 1, 0, 0])],
            captions: [CaptionRecord(key: "t1", text: "a and b", itemKeys: ["a", "b"], embedding: [1, 0, 0, 0]),
                       CaptionRecord(key: "t2", text: "b", itemKeys: ["b"], embedding: [0, 1, 0, 0]),
                       CaptionRecord(key: "t3", text: "missing image", itemKeys: ["z"], embedding: [0, 0, 1, 0])]))
        let links = try store.groundTruth(images: try store.embeddings(of: .items), captions: try store.embeddings(of: .captions))
        #expect(links.imagesOfCaption == [[0, 1], [1], []])
        #expect(links.captionsOfImage == [[0], [0, 1]])
        #expect(links.captionsWithoutImages == [2])
    }

    @Test func missingAndForeignFilesGiveClearErrors() throws {
        let folder = try TemporaryFolder()
        #expect(throws: StoreError.missingStore(path: folder.file("none.sqlite").path)) {
            try EmbeddingStore.openExisting(at: folder.file("none.sqlite"))
        }
        try folder.write("this is not a database, just text that is long enough to have a header", to: "text.sqlite")
        let error = #expect(throws: StoreError.self) { try EmbeddingStore(path: folder.file("text.sqlite")) }
        #expect(error?.description.contains("text.sqlite") == true)

        let empty = try EmbeddingStore(path: folder.file("empty.sqlite"))
        #expect(throws: StoreError.noModelRecorded(storePath: empty.url.path)) { try empty.embeddings() }
        try empty.begin(model: identity)
        #expect(try empty.embeddings().count == 0)
        #expect(throws: SearchError.emptyDatabase) {
            try Retriever(store: empty, model: identity).search(Tensor(shape: [1, 4], scalars: [1, 0, 0, 0]),
                                                                 direction: .textToImage, k: 1)
        }
    }

    /// A store written before model options were recorded (schema v1) spelled ConSE's T into the
    /// model name, `clipkit-default(T=5)`; opening it migrates that to the name and typed options.
    @Test func version1StoresMigrateTheirDefaultModelName() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("v1.sqlite")
        let queue = try DatabaseQueue(path: url.path)
        try StoreSchema.migrator.migrate(queue, upTo: "v1")
        try queue.write { database in
            try database.execute(
                sql: "INSERT INTO model (id, name, checkpoint_hash, dimension, preprocessing, created_at) VALUES (1, ?, ?, 384, NULL, 0)",
                arguments: ["clipkit-default(T=5)", "abc"])
        }
        try queue.close()
        let model = try #require(try EmbeddingStore(path: url).model())
        #expect(model.name == "clipkit-default" && model.options.topCount == 5 && model.checkpointHash == "abc")
        #expect(model.options == ModelOptions(topCount: 5))
    }
}
