import CBLAS
import Foundation
import Tensor

/// Exact top-k search over an `[N, D]` matrix by inner product or cosine similarity.
///
/// Queries are scored in blocks of database rows: one BLAS product per block (`sgemm` for a
/// batch, `sgemv` for one query) writes a `[queries, blockRows]` score tile whose size is bounded
/// by `scoreTileBudget`, then each query's `NeighborHeap` keeps its k best (partial selection,
/// never a full sort), with queries spread over `ThreadPolicy` threads. BLAS runs on the same
/// thread count, one call at a time. Memory beyond the database is the tile plus k pairs per query.
///
/// The database is validated once here (shape, finite values; rows normalised for cosine), so
/// each search only checks its queries.
public struct ExactIndex: Sendable {
    /// `[count, dimension]`, unit rows when `metric` is `.cosine`.
    public let vectors: Tensor
    public let metric: SimilarityMetric
    /// Most floats one score tile may hold (default 16 M = 64 MB).
    public var scoreTileBudget: Int = 16 * 1024 * 1024
    /// An 8-bit copy of `vectors` that searches of at most `QuantizedScan.largestQueryBatch`
    /// queries scan first, rescoring its candidates in fp32 (`withQuantizedScan`); nil: fp32 only.
    public private(set) var quantizedScan: QuantizedScan?

    public var count: Int { vectors.shape[0] }
    public var dimension: Int { vectors.shape[1] }

    /// Validates `vectors` (`[N, D]`, D > 0, finite) and, for cosine, normalises a copy.
    public init(vectors: Tensor, metric: SimilarityMetric = .innerProduct) throws {
        _ = try VectorChecks.matrixShape(vectors, name: "the database")
        try VectorChecks.requireFinite(vectors, name: "the database")
        self.metric = metric
        self.vectors = metric == .cosine ? try VectorChecks.normalizedRows(vectors, name: "the database") : vectors
    }

    /// This index with an 8-bit copy of its vectors built now (`QuantizedScan`): single queries
    /// and small batches read a quarter of the bytes, and the `candidates` best rows by the 8-bit
    /// score are rescored in fp32.
    public func withQuantizedScan(candidates: Int = QuantizedScan.defaultCandidateCount) -> ExactIndex {
        var copy = self
        copy.quantizedScan = QuantizedScan(vectors: vectors, candidateCount: candidates)
        return copy
    }

    /// The `k` most similar rows for each row of `queries` (`[Q, D]`), best first. `excluding`
    /// gives, per query, one row to leave out (the query's own row in image→image search), or -1.
    public func search(_ queries: Tensor, k: Int, excluding: [Int]? = nil) throws -> SearchResults {
        let (queryCount, queryDimension) = try VectorChecks.matrixShape(queries, name: "the queries")
        guard count > 0 else { throw SearchError.emptyDatabase }
        guard queryDimension == dimension else {
            throw SearchError.dimensionMismatch(queryDimension: queryDimension, databaseDimension: dimension)
        }
        let available = excluding == nil ? count : count - 1
        guard k > 0 && k <= available else { throw SearchError.invalidNeighborCount(k: k, databaseCount: available) }
        if let excluding { precondition(excluding.count == queryCount, "excluding needs one entry per query") }
        try VectorChecks.requireFinite(queries, name: "the queries")
        let scaledQueries = metric == .cosine ? try VectorChecks.normalizedRows(queries, name: "the queries") : queries
        if queryCount == 0 { return SearchResults(queryCount: 0, k: k, indices: [], scores: []) }
        if let quantizedScan, queryCount <= QuantizedScan.largestQueryBatch, k <= quantizedScan.candidateCount {
            return quantizedScan.search(scaledQueries, vectors: vectors, k: k, excluding: excluding)
        }

        var resultScores = [Float](repeating: 0, count: queryCount * k)
        var resultIndices = [Int](repeating: -1, count: queryCount * k)
        let blockRows = max(1, min(count, scoreTileBudget / queryCount))
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: queryCount * blockRows)
        defer { tile.deallocate() }
        _ = ThreadPolicy.threadCount  // applies the BLAS thread count

        resultScores.withUnsafeMutableBufferPointer { scoreBuffer in
            resultIndices.withUnsafeMutableBufferPointer { indexBuffer in
                let heapScores = scoreBuffer.baseAddress!, heapIndices = indexBuffer.baseAddress!
                var heaps = (0..<queryCount).map {
                    NeighborHeap(scores: heapScores + $0 * k, indices: heapIndices + $0 * k, capacity: k)
                }
                heaps.withUnsafeMutableBufferPointer { heapBuffer in
                    let heapsPointer = heapBuffer.baseAddress!
                    var blockStart = 0
                    while blockStart < count {
                        let rows = min(blockRows, count - blockStart)
                        scoreTile(scaledQueries, rows: blockStart..<(blockStart + rows), into: tile)
                        let start = blockStart
                        ThreadPolicy.parallelFor(queryCount, workPerItem: rows) { range in
                            for query in range {
                                heapsPointer[query].offer(tile + query * rows, count: rows, firstIndex: start,
                                                          excluded: excluding?[query] ?? -1)
                            }
                        }
                        blockStart += rows
                    }
                    ThreadPolicy.parallelFor(queryCount, workPerItem: k * 16) { range in
                        for query in range { _ = heapsPointer[query].sortDescending() }
                    }
                }
            }
        }
        return SearchResults(queryCount: queryCount, k: k, indices: resultIndices, scores: resultScores)
    }

    /// tile[q, j] = queries[q] · vectors[rows.lowerBound + j].
    private func scoreTile(_ queries: Tensor, rows: Range<Int>, into tile: UnsafeMutablePointer<Float>) {
        let queryCount = queries.shape[0]
        let block = vectors.pointer + rows.lowerBound * dimension
        BLASThreads.shared {
            if queryCount == 1 {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows.count), Int32(dimension), 1, block, Int32(dimension),
                            queries.pointer, 1, 0, tile, 1)
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(queryCount), Int32(rows.count), Int32(dimension),
                            1, queries.pointer, Int32(dimension), block, Int32(dimension), 0, tile, Int32(rows.count))
            }
        }
    }
}
