import CBLAS

extension Tensor {
    /// Multi-head scaled dot-product attention over projections whose heads sit side by side in
    /// the last axis (Vaswani et al. 2017), for inference:
    ///
    ///     O[b, :, h] = weight · softmax(Q_bh·K_bhᵀ·scale)·V_bh  (+ O[b, :, h] of `accumulating`)
    ///
    /// with query `[batch, queries, heads·depth]`, key `[batch, keys, heads·depth]`, value
    /// `[batch, keys, heads·valueDepth]` and output `[batch, queries, heads·valueDepth]`, heads
    /// concatenated as an output projection expects them. The per-head matrices are addressed with
    /// BLAS leading dimensions, so nothing is permuted or copied, and queries are taken in chunks
    /// of at most `queryChunk` rows so a score block stays small however long the sequence
    /// (4096 image tokens of a 64×64 latent need 1 MB per block instead of 64 MB per head).
    /// `accumulating` adds this attention to an earlier one (decoupled cross-attention sums two).
    ///
    /// (batch, head, chunk) items run in parallel on our threads, each with single-threaded BLAS.
    public static func interleavedHeadAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int, scale: Float? = nil,
                                                weight: Float = 1, accumulating: Tensor? = nil, queryChunk: Int = 64) -> Tensor {
        precondition(query.rank == 3 && key.rank == 3 && value.rank == 3 && heads > 0,
                     "interleavedHeadAttention needs [batch, length, heads·depth] tensors, got \(query.shape), \(key.shape), \(value.shape)")
        let (batch, queries, width) = (query.shape[0], query.shape[1], query.shape[2])
        let keys = key.shape[1], valueWidth = value.shape[2]
        precondition(key.shape[0] == batch && value.shape[0] == batch && value.shape[1] == keys && key.shape[2] == width
                        && width % heads == 0 && valueWidth % heads == 0,
                     "query \(query.shape), key \(key.shape) and value \(value.shape) do not fit \(heads) heads")
        let depth = width / heads, valueDepth = valueWidth / heads
        if let accumulating { precondition(accumulating.shape == [batch, queries, valueWidth], "accumulated output \(accumulating.shape) does not fit") }
        let scaling = scale ?? 1 / Float(depth).squareRoot()
        let chunk = Swift.max(1, queryChunk)
        let chunks = (queries + chunk - 1) / chunk
        let items = batch * heads * chunks
        let queryPointer = query.pointer, keyPointer = key.pointer, valuePointer = value.pointer
        let threads = ThreadPolicy.threadCount
        return Tensor(shape: [batch, queries, valueWidth]) { output in
            let destination = output.baseAddress!
            if let accumulating {
                destination.initialize(from: accumulating.pointer, count: output.count)
            } else {
                destination.initialize(repeating: 0, count: output.count)
            }
            if queries == 0 || keys == 0 { return }
            let beta: Float = accumulating == nil ? 0 : 1
            let attend = { (range: Range<Int>) in
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: chunk * keys)
                defer { scores.deallocate() }
                for item in range {
                    let sequence = item / (heads * chunks), head = (item / chunks) % heads, part = item % chunks
                    let first = part * chunk, rows = Swift.min(chunk, queries - first)
                    let q = queryPointer + (sequence * queries + first) * width + head * depth
                    let k = keyPointer + sequence * keys * width + head * depth
                    let v = valuePointer + sequence * keys * valueWidth + head * valueDepth
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(keys), Int32(depth), scaling,
                                q, Int32(width), k, Int32(width), 0, scores, Int32(keys))
                    for row in 0..<rows { maskedSoftmaxInPlace(scores + row * keys, mask: nil, count: keys) }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(valueDepth), Int32(keys), weight,
                                scores, Int32(keys), v, Int32(valueWidth), beta,
                                destination + (sequence * queries + first) * valueWidth + head * valueDepth, Int32(valueWidth))
                }
            }
            if threads > 1 && items > 1 {
                BLASThreads.singleThreaded {
                    ThreadPolicy.parallelFor(items, workPerItem: 2 * chunk * keys * (depth + valueDepth), attend)
                }
            } else {
                BLASThreads.shared { attend(0..<items) }
            }
        }
    }
}
