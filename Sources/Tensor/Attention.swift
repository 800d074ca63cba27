import CBLAS
import CReducedPrecision

extension Tensor {
    /// Scaled dot-product attention (Vaswani et al. 2017): softmax(Q·Kᵀ/√d + mask)·V.
    ///
    /// - query `[batch, heads, queries, depth]`, key `[batch, heads, keys, depth]`,
    ///   value `[batch, heads, keys, valueDepth]`.
    /// - mask: additive, broadcastable to `[batch, heads, queries, keys]` (−∞ blocks a position),
    ///   e.g. a causal `[queries, keys]` mask or a key-padding `[batch, 1, 1, keys]` mask.
    /// - Returns `[batch, heads, queries, valueDepth]`.
    public static func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil,
                                                 scale: Float? = nil) -> Tensor {
        let depth = query.shape.last!
        var scores = matmul(query, key, transposeB: true) * (scale ?? 1 / Float(depth).squareRoot())  // [b, h, q, k]
        if let mask { scores = scores + mask }
        return matmul(scores.softmax(), value)  // [b, h, q, valueDepth]
    }

    /// The additive causal mask `[size, size]`: 0 on and below the diagonal, −∞ above.
    public static func causalMask(size: Int) -> Tensor {
        Tensor(shape: [size, size]) { buffer in
            for row in 0..<size { for column in 0..<size { buffer[row * size + column] = column > row ? -.infinity : 0 } }
        }
    }
}

extension Tensor {
    /// Multi-head self-attention read straight from a packed input projection, for inference
    /// (Vaswani et al. 2017): for every sequence b and head h,
    ///
    ///     O[b, :, h] = softmax(Q_bh·K_bhᵀ/√d + mask)·V_bh
    ///
    /// where `packed` `[batch, tokens, 3·width]` holds each token's query, key and value one after
    /// the other (PyTorch's `in_proj` layout: [x·W_qᵀ | x·W_kᵀ | x·W_vᵀ], heads contiguous in each).
    /// The per-head matrices are addressed with BLAS leading dimensions, so nothing is permuted or
    /// copied; the scale rides on the first product and the mask on the softmax pass. The result
    /// `[batch, tokens, width]` has the heads concatenated, ready for the output projection.
    ///
    /// - mask: additive `[tokens, tokens]` (e.g. `causalMask(size:)`), or nil.
    ///
    /// (batch, head) pairs run in parallel on our threads, each with single-threaded BLAS calls:
    /// the products are small, and OpenBLAS would otherwise hand each one to its own threads.
    public static func packedSelfAttention(_ packed: Tensor, heads: Int, mask: Tensor? = nil) -> Tensor {
        precondition(packed.rank == 3 && heads > 0 && packed.shape[2] % (3 * heads) == 0,
                     "packedSelfAttention needs [batch, tokens, 3·width] with width divisible by \(heads) heads, got \(packed.shape)")
        let (batch, tokens, packedWidth) = (packed.shape[0], packed.shape[1], packed.shape[2])
        let width = packedWidth / 3, depth = width / heads
        if let mask { precondition(mask.shape == [tokens, tokens], "mask \(mask.shape) is not [\(tokens), \(tokens)]") }
        let scale = 1 / Float(depth).squareRoot()
        let source = packed.pointer, maskRows = mask?.pointer
        let threads = ThreadPolicy.threadCount
        return Tensor(shape: [batch, tokens, width]) { output in
            let destination = output.baseAddress!
            if tokens == 0 || depth == 0 { return }
            let attend = { (range: Range<Int>) in
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: tokens * tokens)
                defer { scores.deallocate() }
                for pair in range {
                    let (sequence, head) = (pair / heads, pair % heads)
                    let query = source + sequence * tokens * packedWidth + head * depth
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(tokens), Int32(tokens), Int32(depth), scale,
                                query, Int32(packedWidth), query + width, Int32(packedWidth), 0, scores, Int32(tokens))
                    if ElementwiseKernelPath.selected == .avx512 {
                        ck_softmax_rows(scores, maskRows, Int32(tokens), scores, Int32(tokens), 0, tokens)
                    } else {
                        for row in 0..<tokens {
                            maskedSoftmaxInPlace(scores + row * tokens, mask: maskRows.map { $0 + row * tokens }, count: tokens)
                        }
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(tokens), Int32(depth), Int32(tokens), 1,
                                scores, Int32(tokens), query + 2 * width, Int32(packedWidth), 0,
                                destination + sequence * tokens * width + head * depth, Int32(width))
                }
            }
            let pairs = batch * heads
            if threads > 1 && pairs > 1 {
                BLASThreads.singleThreaded { ThreadPolicy.parallelFor(pairs, workPerItem: 2 * tokens * tokens * depth, attend) }
            } else {
                BLASThreads.shared { attend(0..<pairs) }
            }
        }
    }

    /// x ← softmax(x + mask) over one row; a fully masked row becomes zeros, as `softmax()` does.
    @inline(__always)
    static func maskedSoftmaxInPlace(_ row: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, count: Int) {
        if let mask { for index in 0..<count { row[index] += mask[index] } }
        let maximum = VectorReductions.maximum(row, count)
        if maximum == -.infinity {
            row.initialize(repeating: 0, count: count)
            return
        }
        for index in 0..<count { row[index] = FastMath.exp(row[index] - maximum) }
        let inverse = 1 / VectorReductions.sum(row, count)
        for index in 0..<count { row[index] *= inverse }
    }
}
