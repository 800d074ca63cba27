import CReducedPrecision
import Foundation
import Tensor

/// Exact top-k for one query at a time through an 8-bit copy of the database: a two-stage scan
/// (the "rescoring" of quantised search, e.g. Jégou et al. 2011, "Product Quantization for
/// Nearest Neighbor Search", §5's re-ranking, here with scalar quantisation).
///
/// 1. Every row x is stored as q = round(127·x/max|x|) ∈ [−127, 127] (offset by 128 as unsigned
///    bytes) with its scale s = max|x|/127; the query y likewise as signed bytes with scale t.
///    The approximate score is s·t·Σⱼ qⱼ·pⱼ (AVX512_VNNI `vpdpbusd`, the offset removed as
///    128·Σp), a quarter of the fp32 scan's memory traffic.
/// 2. The `candidateCount` best rows by that score are scored again in fp32, and the top k of
///    those are returned with their fp32 scores.
///
/// The result equals the fp32 scan whenever the true top k lie among the candidates; the
/// quantisation error of a score is about 10⁻³ of its scale, far below the gap between the k-th
/// and the `candidateCount`-th neighbour of 512-d embeddings. Rows are split over `ThreadPolicy`
/// threads, each keeping its own candidate heap. On CPUs without VNNI a scalar loop runs.
public final class QuantizedScan: @unchecked Sendable {
    /// Candidates rescored in fp32 by default.
    public static let defaultCandidateCount = 4096
    /// Most queries `ExactIndex` sends through the scan; larger batches run its fp32 matrix
    /// product, where one pass of BLAS over the database serves the whole batch (this scan reads
    /// the database once per query).
    public static let largestQueryBatch = 7

    public let count: Int
    public let dimension: Int
    /// Rows rescored in fp32 per query.
    public let candidateCount: Int
    /// `dimension` rounded up to a multiple of 64 (one vector of bytes).
    let paddedDimension: Int
    let quantized: UnsafeMutablePointer<UInt8>  // [count, paddedDimension], q + 128
    let scales: UnsafeMutablePointer<Float>  // [count]

    /// Quantises the rows of `vectors` (`[count, dimension]`).
    public init(vectors: Tensor, candidateCount: Int = QuantizedScan.defaultCandidateCount) {
        precondition(vectors.rank == 2 && candidateCount > 0, "a quantised scan needs a matrix and a positive candidate count")
        count = vectors.shape[0]
        dimension = vectors.shape[1]
        self.candidateCount = candidateCount
        paddedDimension = (dimension + 63) / 64 * 64
        quantized = .allocate(capacity: max(1, count * paddedDimension))
        scales = .allocate(capacity: max(1, count))
        let (source, target, rowScales, width, padded) = (vectors.pointer, quantized, scales, dimension, paddedDimension)
        ThreadPolicy.parallelFor(count, workPerItem: dimension * 4) { rows in
            ck_int8_quantize_rows_unsigned(source + rows.lowerBound * width, Int32(rows.count), Int32(width),
                                           target + rows.lowerBound * padded, Int32(padded), rowScales + rows.lowerBound)
        }
    }

    deinit {
        quantized.deallocate()
        scales.deallocate()
    }

    /// The `k` rows of `vectors` (the fp32 matrix this scan was built from) with the highest
    /// inner product with each row of `queries` (`[Q, dimension]`, already validated and, for
    /// cosine, normalised), best first, leaving out `excluding[q]` for query q when given.
    func search(_ queries: Tensor, vectors: Tensor, k: Int, excluding: [Int]?) -> SearchResults {
        precondition(vectors.shape == [count, dimension] && queries.rank == 2 && queries.shape[1] == dimension,
                     "the scan was built for [\(count), \(dimension)], got vectors \(vectors.shape) and queries \(queries.shape)")
        let queryCount = queries.shape[0]
        var indices: [Int] = [], scores: [Float] = []
        indices.reserveCapacity(queryCount * k)
        scores.reserveCapacity(queryCount * k)
        for query in 0..<queryCount {
            let neighbors = searchOne(queries.pointer + query * dimension, vectors: vectors.pointer, k: k,
                                      excluded: excluding?[query] ?? -1)
            indices += neighbors.indices
            scores += neighbors.scores
        }
        return SearchResults(queryCount: queryCount, k: k, indices: indices, scores: scores)
    }

    private func searchOne(_ query: UnsafePointer<Float>, vectors: UnsafePointer<Float>, k: Int,
                           excluded: Int) -> (indices: [Int], scores: [Float]) {
        var queryBytes = [Int8](repeating: 0, count: paddedDimension)
        var queryScale: Float = 0
        let querySum = ck_int8_quantize_query(query, Int32(dimension), &queryBytes, Int32(paddedDimension), &queryScale)

        // Stage 1: each thread scores its rows in tiles and keeps its best `candidates`.
        let threads = max(1, min(ThreadPolicy.threadCount, count / 65_536 + 1))
        let candidates = min(candidateCount, count)
        var heapScores = [Float](repeating: 0, count: threads * candidates)
        var heapIndices = [Int](repeating: -1, count: threads * candidates)
        var kept = [Int](repeating: 0, count: threads)
        let (quantized, scales, padded, total) = (self.quantized, self.scales, paddedDimension, count)
        queryBytes.withUnsafeBufferPointer { queryBuffer in
            heapScores.withUnsafeMutableBufferPointer { scoreBuffer in
                heapIndices.withUnsafeMutableBufferPointer { indexBuffer in
                    kept.withUnsafeMutableBufferPointer { keptBuffer in
                        let (queryPointer, scorePointer, indexPointer, keptPointer) =
                            (queryBuffer.baseAddress!, scoreBuffer.baseAddress!, indexBuffer.baseAddress!, keptBuffer.baseAddress!)
                        DispatchQueue.concurrentPerform(iterations: threads) { thread in
                            let rows = (total * thread / threads)..<(total * (thread + 1) / threads)
                            var heap = NeighborHeap(scores: scorePointer + thread * candidates, indices: indexPointer + thread * candidates,
                                                    capacity: candidates)
                            let tileRows = 8192
                            let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileRows)
                            defer { tile.deallocate() }
                            var start = rows.lowerBound
                            while start < rows.upperBound {
                                let end = min(start + tileRows, rows.upperBound)
                                ck_int8_scores(quantized + start * padded, scales + start, Int32(padded), queryPointer, queryScale,
                                               querySum, tile, 0, Int32(end - start))
                                heap.offer(tile, count: end - start, firstIndex: start, excluded: excluded)
                                start = end
                            }
                            keptPointer[thread] = heap.count
                        }
                    }
                }
            }
        }

        // Stage 2: the candidates in increasing row order (ties prefer the lower row), rescored in fp32.
        var pool: [(score: Float, row: Int)] = []
        for thread in 0..<threads {
            for slot in (thread * candidates)..<(thread * candidates + kept[thread]) { pool.append((heapScores[slot], heapIndices[slot])) }
        }
        if pool.count > candidates {
            pool.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
            pool.removeLast(pool.count - candidates)
        }
        let rows = pool.map(\.row).sorted()
        var resultScores = [Float](repeating: 0, count: k), resultIndices = [Int](repeating: -1, count: k)
        let width = dimension
        resultScores.withUnsafeMutableBufferPointer { scoreBuffer in
            resultIndices.withUnsafeMutableBufferPointer { indexBuffer in
                var heap = NeighborHeap(scores: scoreBuffer.baseAddress!, indices: indexBuffer.baseAddress!, capacity: k)
                for row in rows {
                    var score = Self.dot(query, vectors + row * width, count: width)
                    heap.offer(&score, count: 1, firstIndex: row, excluded: -1)
                }
                _ = heap.sortDescending()
            }
        }
        return (resultIndices, resultScores)
    }

    /// Σᵢ a[i]·b[i] in fp32, sixteen lanes at a time.
    @inline(__always)
    private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sums = SIMD16<Float>()
        var index = 0
        while index + 16 <= count {
            sums += UnsafeRawPointer(a + index).loadUnaligned(as: SIMD16<Float>.self)
                * UnsafeRawPointer(b + index).loadUnaligned(as: SIMD16<Float>.self)
            index += 16
        }
        var total = sums.sum()
        while index < count {
            total += a[index] * b[index]
            index += 1
        }
        return total
    }
}
