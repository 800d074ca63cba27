import Retrieval
import Tensor
import TestSupport
import Testing

/// The 8-bit scan with fp32 rescoring (`ExactIndex.withQuantizedScan`) against the fp32 exact
/// scan on clustered vectors, where neighbours crowd together and quantisation could reorder
/// them: recall@10 ≥ 0.999, and the returned scores are the fp32 scores (issue 11).
@Suite struct QuantizedScanTests {
    /// `clusters` random unit centres; each vector is a centre plus N(0, spread²) noise per
    /// coordinate, left unnormalised (the index normalises for cosine).
    static func clusteredVectors(count: Int, dimension: Int, clusters: Int, spread: Float, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let centres = Tensor.randomNormal([clusters, dimension], standardDeviation: 1 / Float(dimension).squareRoot(),
                                          generator: &generator).scalars
        let noise = Tensor.randomNormal([count, dimension], standardDeviation: spread / Float(dimension).squareRoot(),
                                        generator: &generator).scalars
        return Tensor(shape: [count, dimension], scalars: (0..<(count * dimension)).map { index in
            let (row, column) = (index / dimension, index % dimension)
            return centres[(row % clusters) * dimension + column] + noise[index]
        })
    }

    static func recall(_ found: SearchResults, _ truth: SearchResults) -> Double {
        var hits = 0
        for query in 0..<found.queryCount {
            hits += Set(found.indices(ofQuery: query)).intersection(truth.indices(ofQuery: query)).count
        }
        return Double(hits) / Double(found.queryCount * found.k)
    }

    @Test(arguments: [SimilarityMetric.innerProduct, .cosine])
    func recallAt10MatchesExactSearchOnClusteredVectors(metric: SimilarityMetric) throws {
        let database = Self.clusteredVectors(count: 20_000, dimension: 512, clusters: 50, spread: 0.5, seed: 1)
        let queries = Self.clusteredVectors(count: 60, dimension: 512, clusters: 50, spread: 0.5, seed: 2)
        let exact = try ExactIndex(vectors: database, metric: metric)
        let quantized = exact.withQuantizedScan(candidates: 256)
        // One query at a time (the scan's case; batches of 8 or more go to the fp32 product).
        var truthIndices: [Int] = [], truthScores: [Float] = [], foundIndices: [Int] = [], foundScores: [Float] = []
        for query in 0..<queries.shape[0] {
            let one = queries.slice(query..<(query + 1))
            let truth = try exact.search(one, k: 10), found = try quantized.search(one, k: 10)
            truthIndices += truth.indices
            truthScores += truth.scores
            foundIndices += found.indices
            foundScores += found.scores
        }
        let truth = SearchResults(queryCount: 60, k: 10, indices: truthIndices, scores: truthScores)
        let found = SearchResults(queryCount: 60, k: 10, indices: foundIndices, scores: foundScores)
        let recall = Self.recall(found, truth)
        print("8-bit scan, 256 candidates rescored, 20000 × 512 clustered (\(metric)): recall@10 \(recall)")
        #expect(recall >= 0.999)
        // Rescored in fp32: the scores of shared neighbours agree with the exact scan's.
        var worst: Float = 0
        for position in 0..<truthIndices.count where truthIndices[position] == foundIndices[position] {
            worst = max(worst, abs(truthScores[position] - foundScores[position]))
        }
        #expect(worst <= 1e-4 * (truthScores.map(abs).max() ?? 1))
    }

    @Test func excludedRowsStayOutAndBatchesUseTheFP32Product() throws {
        let database = Self.clusteredVectors(count: 3000, dimension: 70, clusters: 10, spread: 0.3, seed: 5)
        let exact = try ExactIndex(vectors: database, metric: .cosine)
        let quantized = exact.withQuantizedScan(candidates: 64)
        let rows = [4, 17, 2999]
        let queries = Tensor(shape: [3, 70], scalars: rows.flatMap { row in Array(database.scalars[(row * 70)..<(row * 70 + 70)]) })
        let found = try quantized.search(queries, k: 5, excluding: rows)
        let truth = try exact.search(queries, k: 5, excluding: rows)
        for (query, row) in rows.enumerated() { #expect(!found.indices(ofQuery: query).contains(row)) }
        #expect(Self.recall(found, truth) == 1)
        // A batch larger than `QuantizedScan.largestQueryBatch` runs the fp32 product: identical results.
        let batch = database.slice(0..<(QuantizedScan.largestQueryBatch + 1))
        #expect(try quantized.search(batch, k: 5) == exact.search(batch, k: 5))
    }

    @Test func fewerRowsThanCandidatesStillRanksEveryRow() throws {
        let database = Self.clusteredVectors(count: 40, dimension: 16, clusters: 4, spread: 0.2, seed: 8)
        let exact = try ExactIndex(vectors: database)
        let found = try exact.withQuantizedScan(candidates: 4096).search(database.slice(0..<1), k: 40)
        #expect(Set(found.indices) == Set(0..<40))
        #expect(try found.indices == exact.search(database.slice(0..<1), k: 40).indices)
    }
}
