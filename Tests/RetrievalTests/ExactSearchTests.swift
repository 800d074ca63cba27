import Foundation
import Models
import Retrieval
import RetrievalTestSupport
import Tensor
import Testing
import TestSupport

@Suite struct ExactSearchTests {
    /// Brute force: every score, then a full stable sort by descending score.
    func bruteForce(_ database: Tensor, _ queries: Tensor, k: Int, excluding: [Int]? = nil) -> [[Int]] {
        let scores = Tensor.matmul(queries, database, transposeB: true)
        let count = database.shape[0]
        return (0..<queries.shape[0]).map { query in
            let row = SyntheticVectors.row(scores, query)
            return Array((0..<count).filter { $0 != excluding?[query] }
                .sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(k))
        }
    }

    @Test(arguments: [1, 7, 64])
    func topKMatchesAFullSortAcrossBlocks(queryCount: Int) throws {
        let database = SyntheticVectors.uniformUnit(count: 3_001, dimension: 24, seed: 11)
        let queries = SyntheticVectors.uniformUnit(count: queryCount, dimension: 24, seed: 12)
        var index = try ExactIndex(vectors: database)
        index.scoreTileBudget = 5_000  // many blocks, a partial last one
        for k in [1, 10, 100] {
            let results = try index.search(queries, k: k)
            let expected = bruteForce(database, queries, k: k)
            for query in 0..<queryCount {
                #expect(results.indices(ofQuery: query) == expected[query])
                let scores = results.neighbors(ofQuery: query).map(\.score)
                #expect(scores == scores.sorted(by: >))
            }
        }
    }

    @Test func tiesKeepTheLowerIndexFirst() throws {
        // Rows 0, 2 and 3 score the same against the query.
        let database = Tensor(shape: [5, 2], scalars: [1, 0, 0, 1, 1, 0, 1, 0, 0.5, 0.5])
        let results = try ExactIndex(vectors: database).search(Tensor(shape: [1, 2], scalars: [1, 0]), k: 4)
        #expect(results.indices(ofQuery: 0) == [0, 2, 3, 4])
        #expect(results.neighbors(ofQuery: 0).map(\.score) == [1, 1, 1, 0.5])
    }

    @Test func cosineNormalisesBothSides() throws {
        let database = Tensor(shape: [3, 2], scalars: [10, 0, 0, 0.1, 3, 3])
        let index = try ExactIndex(vectors: database, metric: .cosine)
        let results = try index.search(Tensor(shape: [1, 2], scalars: [0, 5]), k: 3)
        #expect(results.indices(ofQuery: 0) == [1, 2, 0])
        #expect(abs(results.scores[0] - 1) < 1e-6 && abs(results.scores[1] - 0.70710677) < 1e-6)
        // Inner product ranks by length too.
        #expect(try ExactIndex(vectors: database).search(Tensor(shape: [1, 2], scalars: [0, 5]), k: 1).indices == [2])
    }

    @Test func excludingSkipsEachQuerysOwnRow() throws {
        let database = SyntheticVectors.uniformUnit(count: 200, dimension: 8, seed: 3)
        let queries = Tensor(shape: [2, 8], scalars: SyntheticVectors.row(database, 5) + SyntheticVectors.row(database, 17))
        let results = try ExactIndex(vectors: database).search(queries, k: 5, excluding: [5, 17])
        #expect(results.indices(ofQuery: 0) == bruteForce(database, queries, k: 5, excluding: [5, 17])[0])
        #expect(!results.indices(ofQuery: 0).contains(5) && !results.indices(ofQuery: 1).contains(17))
    }

    @Test func badInputsGiveClearErrors() throws {
        let database = SyntheticVectors.uniformUnit(count: 4, dimension: 3, seed: 1)
        let index = try ExactIndex(vectors: database)
        let query = Tensor(shape: [1, 3], scalars: [1, 0, 0])
        #expect(throws: SearchError.invalidNeighborCount(k: 5, databaseCount: 4)) { try index.search(query, k: 5) }
        #expect(throws: SearchError.invalidNeighborCount(k: 0, databaseCount: 4)) { try index.search(query, k: 0) }
        #expect(throws: SearchError.dimensionMismatch(queryDimension: 2, databaseDimension: 3)) {
            try index.search(Tensor(shape: [1, 2], scalars: [1, 0]), k: 1)
        }
        #expect(throws: SearchError.nonFiniteVector(name: "the queries", row: 1)) {
            try index.search(Tensor(shape: [2, 3], scalars: [1, 0, 0, 0, .nan, 0]), k: 1)
        }
        #expect(throws: SearchError.notAMatrix(name: "the queries", shape: [3])) { try index.search(Tensor(shape: [3], scalars: [1, 0, 0]), k: 1) }
        #expect(throws: SearchError.emptyDatabase) { try ExactIndex(vectors: Tensor(zeros: [0, 3])).search(query, k: 1) }
        #expect(throws: SearchError.zeroDimension) { try ExactIndex(vectors: Tensor(zeros: [4, 0])) }
        var poisoned = SyntheticVectors.uniformUnit(count: 100, dimension: 40, seed: 2).scalars
        poisoned[57 * 40 + 3] = .infinity
        #expect(throws: SearchError.nonFiniteVector(name: "the database", row: 57)) {
            try ExactIndex(vectors: Tensor(shape: [100, 40], scalars: poisoned))
        }
        #expect(throws: SearchError.zeroVector(name: "the database", row: 1)) {
            try ExactIndex(vectors: Tensor(shape: [2, 2], scalars: [1, 0, 0, 0]), metric: .cosine)
        }
        #expect(SearchError.invalidNeighborCount(k: 5, databaseCount: 4).description == "asked for the top 5 of 4 vectors; pass k ≤ 4")
        #expect(try index.search(Tensor(zeros: [0, 3]), k: 2).queryCount == 0)
    }

    @Test func retrieverSearchesEveryDirection() throws {
        let folder = try TemporaryFolder()
        let identity = ModelIdentity(name: "directions", checkpointHash: "h", dimension: 3, preprocessing: nil)
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        try store.begin(model: identity)
        let state = FileState(size: 1, modificationTime: 1)
        try store.upsert(IndexBatch(
            items: [ItemRecord(key: "x.png", fileState: state, embedding: [1, 0, 0]),
                    ItemRecord(key: "y.png", fileState: state, embedding: [0, 1, 0]),
                    ItemRecord(key: "z.png", fileState: state, embedding: [0.8, 0.6, 0])],
            captions: [CaptionRecord(key: "about-x", text: "x", itemKeys: ["x.png"], embedding: [0.9, 0.1, 0]),
                       CaptionRecord(key: "about-y", text: "y", itemKeys: ["y.png"], embedding: [0, 1, 0])]))
        let retriever = try Retriever(store: store, model: identity)
        let textToImage = try retriever.search(Tensor(shape: [1, 3], scalars: [0, 1, 0]), direction: .textToImage, k: 2)
        #expect(textToImage[0].map(\.key) == ["y.png", "z.png"])
        let imageToText = try retriever.search(Tensor(shape: [1, 3], scalars: [1, 0, 0]), direction: .imageToText, k: 2)
        #expect(imageToText[0].map(\.key) == ["about-x", "about-y"])
        let imageToImage = try retriever.similarImages(toKeys: ["x.png"], k: 2)
        #expect(imageToImage[0].map(\.key) == ["z.png", "y.png"])
        #expect(imageToImage[0][0].score == 0.8)
        #expect(throws: SearchError.unknownItem(key: "missing.png", storePath: store.url.path)) { try retriever.similarImages(toKeys: ["missing.png"], k: 1) }
    }
}
