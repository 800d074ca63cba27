import Foundation
import Models
import Retrieval
import RetrievalTestSupport
import Tensor
import Testing
import TestSupport

@Suite(.serialized) struct ApproximateIndexTests {
    static let dimension = 32
    static let database = SyntheticVectors.clustered(count: 50_000, dimension: dimension, clusters: 64, seed: 21)
    static let queries = SyntheticVectors.clustered(count: 200, dimension: dimension, clusters: 64, seed: 22)
    static let exact: SearchResults = try! ExactIndex(vectors: database).search(queries, k: 10)
    static var ids: [Int64] { (0..<Int64(database.shape[0])).map { $0 * 3 + 7 } }  // ids unlike row numbers

    /// Recall@10 of `results` (ids) against exact search (rows).
    func recallAt10(_ results: SearchResults) -> Double {
        var found = 0
        for query in 0..<results.queryCount {
            let truth = Set(Self.exact.indices(ofQuery: query).map { Int64($0) * 3 + 7 })
            found += results.indices(ofQuery: query).filter { truth.contains(Int64($0)) }.count
        }
        return Double(found) / Double(results.queryCount * 10)
    }

    @Test func hnswReachesRecallAtTenOfExactSearch() throws {
        let index = try ApproximateIndex(factory: "HNSW32", dimension: Self.dimension)
        #expect(index.isTrained && index.minimumTrainingCount == 0)
        try index.add(Self.database, ids: Self.ids)
        #expect(index.count == 50_000)
        try index.setParameter("efSearch", 16)
        let low = recallAt10(try index.search(Self.queries, k: 10))
        try index.setParameter("efSearch", 64)
        let high = recallAt10(try index.search(Self.queries, k: 10))
        #expect(high >= 0.95, "HNSW32 recall@10 at efSearch 64: \(high)")
        #expect(high >= low)
    }

    @Test func ivfFlatReachesRecallAtTenWithEnoughProbes() throws {
        let index = try ApproximateIndex(factory: "IVF256,Flat", dimension: Self.dimension)
        #expect(!index.isTrained && index.minimumTrainingCount == 256)
        #expect(throws: ApproximateIndexError.trainingNeeded(factory: "IVF256,Flat")) { try index.add(Self.database, ids: Self.ids) }
        try index.train(Self.database.slice(0..<20_000))
        try index.add(Self.database, ids: Self.ids)
        try index.setParameter("nprobe", 1)
        let oneProbe = recallAt10(try index.search(Self.queries, k: 10))
        try index.setParameter("nprobe", 16)
        let recall = recallAt10(try index.search(Self.queries, k: 10))
        #expect(recall >= 0.95, "IVF256,Flat recall@10 at nprobe 16: \(recall)")
        #expect(recall > oneProbe)
        #expect(throws: ApproximateIndexError.self) { try index.setParameter("efSearch", 64) }
    }

    @Test func saveAndLoadRoundTrip() throws {
        let folder = try TemporaryFolder()
        let index = try ApproximateIndex(factory: "IVF64,PQ8", dimension: Self.dimension)
        try index.train(Self.database.slice(0..<10_000))
        try index.add(Self.database.slice(0..<10_000), ids: Array(Self.ids.prefix(10_000)))
        try index.setParameter("nprobe", 8)
        let before = try index.search(Self.queries, k: 10)
        let file = folder.file("index.faiss")
        try index.write(to: file)
        let loaded = try ApproximateIndex.read(from: file, factory: "IVF64,PQ8")
        #expect(loaded.count == 10_000 && loaded.dimension == Self.dimension && loaded.isTrained)
        try loaded.setParameter("nprobe", 8)  // search parameters are not part of the file
        #expect(try loaded.search(Self.queries, k: 10) == before)
        #expect(throws: ApproximateIndexError.self) { try ApproximateIndex.read(from: folder.file("missing.faiss")) }
        try Data("garbage".utf8).write(to: folder.file("garbage.faiss"))
        #expect(throws: ApproximateIndexError.self) { try ApproximateIndex.read(from: folder.file("garbage.faiss")) }
    }

    @Test func clearErrorsForBadFactoriesTrainingAndInputs() throws {
        let ivf = try ApproximateIndex(factory: "IVF1024,Flat", dimension: 8)
        let few = SyntheticVectors.uniformUnit(count: 500, dimension: 8, seed: 5)
        let error = #expect(throws: ApproximateIndexError.tooFewTrainingVectors(factory: "IVF1024,Flat", count: 500, minimum: 1024)) {
            try ivf.train(few)
        }
        #expect(error?.description.contains("HNSW32") == true)
        #expect(throws: ApproximateIndexError.self) { try ApproximateIndex(factory: "NoSuchIndex", dimension: 8) }
        #expect(throws: ApproximateIndexError.self) { try ApproximateIndex(factory: "IVF16,PQ3", dimension: 8) }
        #expect(throws: SearchError.zeroDimension) { try ApproximateIndex(factory: "Flat", dimension: 0) }

        let flat = try ApproximateIndex(factory: "Flat", dimension: 8)
        #expect(throws: ApproximateIndexError.empty) { try flat.search(few.slice(0..<1), k: 1) }
        #expect(throws: ApproximateIndexError.idCountMismatch(vectors: 500, ids: 2)) { try flat.add(few, ids: [1, 2]) }
        #expect(throws: ApproximateIndexError.dimensionMismatch(expected: 8, actual: 4)) { try flat.add(Tensor(zeros: [1, 4]), ids: [1]) }
        #expect(throws: SearchError.nonFiniteVector(name: "the vectors", row: 0)) {
            try flat.add(Tensor(shape: [1, 8], scalars: [.nan, 0, 0, 0, 0, 0, 0, 0]), ids: [1])
        }
        try flat.add(few, ids: (0..<500).map(Int64.init))
        #expect(throws: ApproximateIndexError.invalidNeighborCount(k: 0)) { try flat.search(few.slice(0..<1), k: 0) }
        // Flat is exact: the same results as ExactIndex, and k beyond the count leaves empty slots.
        let exact = try ExactIndex(vectors: few).search(few.slice(0..<3), k: 5)
        #expect(try flat.search(few.slice(0..<3), k: 5).indices == exact.indices)
        let wide = try flat.search(few.slice(0..<1), k: 600)
        #expect(wide.indices(ofQuery: 0).count == 500 && wide.indices.last == -1)
    }

    @Test func storeIndexAppendsNewRowsAndRebuildsAfterChanges() throws {
        let folder = try TemporaryFolder()
        let identity = ModelIdentity(name: "ann-store", checkpointHash: "h", dimension: 8, preprocessing: nil)
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        try store.begin(model: identity)
        let vectors = SyntheticVectors.uniformUnit(count: 300, dimension: 8, seed: 9)
        func records(_ range: Range<Int>) -> [ItemRecord] {
            range.map { ItemRecord(key: "item\($0)", fileState: FileState(size: 1, modificationTime: 1),
                                   embedding: SyntheticVectors.row(vectors, $0)) }
        }
        try store.upsert(IndexBatch(items: records(0..<200)))
        let (first, firstUpdate) = try StoreApproximateIndex.synchronize(store: store, factory: "HNSW32")
        #expect(first.count == 200)
        #expect(firstUpdate == .rebuilt(reason: "no index file yet"))
        #expect(FileManager.default.fileExists(atPath: StoreApproximateIndex.fileURL(for: store, factory: "HNSW32").path))
        #expect(try StoreApproximateIndex.synchronize(store: store, factory: "HNSW32").update == .unchanged)

        try store.upsert(IndexBatch(items: records(200..<300)))
        let (grown, grownUpdate) = try StoreApproximateIndex.synchronize(store: store, factory: "HNSW32")
        #expect(grownUpdate == .appended(count: 100) && grown.count == 300)
        let storeIDs = try store.embeddings().ids
        try grown.setParameter("efSearch", 300)
        let hit = try grown.search(vectors.slice(250..<251), k: 1)
        #expect(hit.indices == [Int(storeIDs[250])])

        try store.pruneItems(keeping: Set((0..<290).map { "item\($0)" }))
        let (rebuilt, rebuiltUpdate) = try StoreApproximateIndex.synchronize(store: store, factory: "HNSW32")
        #expect(rebuiltUpdate == .rebuilt(reason: "embeddings were replaced or deleted since the index was built"))
        #expect(rebuilt.count == 290)

        let retriever = try Retriever(store: store, model: identity, backend: .approximate(factory: "HNSW32", parameters: ["efSearch": 64]))
        let found = try retriever.search(vectors.slice(10..<11), direction: .textToImage, k: 3)
        #expect(found[0].first?.key == "item10")
    }
}
