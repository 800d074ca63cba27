import CBLAS

extension Tensor {
    /// Matrix product op(A)·op(B) through `cblas_sgemm`, where op transposes the last two axes
    /// when asked.
    ///
    /// - `a`: `[batch…, m, k]` (or `[batch…, k, m]` with `transposeA`).
    /// - `b`: `[k, n]` shared by every batch, or `[batch…, k, n]` with the same batch axes
    ///   (`[…, n, k]` with `transposeB`).
    /// - Returns `[batch…, m, n]`.
    ///
    /// A shared `b` with an untransposed `a` runs as one large product over all batch rows. A true
    /// batch runs one BLAS call per matrix; small matrices (below OpenBLAS's own threading
    /// threshold) are spread across our threads instead.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs rank ≥ 2, got \(a.shape) and \(b.shape)")
        _ = ThreadPolicy.threadCount  // applies the BLAS thread count before the first call
        let rowsA = a.shape[a.rank - 2], columnsA = a.shape[a.rank - 1]
        let rowsB = b.shape[b.rank - 2], columnsB = b.shape[b.rank - 1]
        let m = transposeA ? columnsA : rowsA, k = transposeA ? rowsA : columnsA
        let kB = transposeB ? columnsB : rowsB, n = transposeB ? rowsB : columnsB
        precondition(k == kB, "matmul inner sizes differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let batchShape = Array(a.shape.dropLast(2))
        let batch = batchShape.reduce(1, *)
        let sharedB = b.rank == 2
        if !sharedB {
            precondition(Array(b.shape.dropLast(2)) == batchShape, "matmul batch axes differ: \(a.shape) and \(b.shape)")
        }
        let pointerA = a.pointer, pointerB = b.pointer
        return Tensor(shape: batchShape + [m, n]) { output in
            let destination = output.baseAddress!
            if m == 0 || n == 0 { return }
            if k == 0 { destination.initialize(repeating: 0, count: output.count); return }
            if sharedB && !transposeA {
                sgemm(pointerA, pointerB, destination, m: batch * m, n: n, k: k,
                      lda: columnsA, ldb: columnsB, transposeA: false, transposeB: transposeB)
                return
            }
            let strideA = rowsA * columnsA, strideB = sharedB ? 0 : rowsB * columnsB
            let multiply = { (index: Int) in
                sgemm(pointerA + index * strideA, pointerB + index * strideB, destination + index * m * n,
                      m: m, n: n, k: k, lda: columnsA, ldb: columnsB, transposeA: transposeA, transposeB: transposeB)
            }
            if m * n * k < 262_144 {
                ThreadPolicy.parallelFor(batch, workPerItem: m * n * k) { range in range.forEach(multiply) }
            } else {
                (0..<batch).forEach(multiply)
            }
        }
    }

    /// C[m, n] = op(A)·op(B) (+ β·C) for row-major matrices with leading dimensions `lda`, `ldb`.
    ///
    /// A product large enough for OpenBLAS to thread (m·n·k above `ownThreadsMinimumWork`) is split
    /// instead into one block of rows (or columns, whichever side is longer) per thread of ours, each
    /// a single-threaded BLAS call (`BLASThreads.singleThreaded`). OpenBLAS's own workers would be
    /// woken for every product and then spin in `sched_yield` for about 0.1 s, competing with our
    /// element-wise loops on the same cores (≈ 15 % of a U-Net training step in `perf`). Inside a
    /// parallel region the product runs on the calling thread.
    @inline(__always)
    static func sgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                      m: Int, n: Int, k: Int, lda: Int, ldb: Int, transposeA: Bool, transposeB: Bool,
                      beta: Float = 0) {
        let threads = ThreadPolicy.threadCount
        if threads > 1 && m * n * k > ownThreadsMinimumWork && Swift.max(m, n) >= 2 * threads
            && !ThreadPolicy.isInsideParallelRegion {
            splitSgemm(a, b, c, m: m, n: n, k: k, lda: lda, ldb: ldb, transposeA: transposeA, transposeB: transposeB,
                       beta: beta, parts: threads)
            return
        }
        BLASThreads.shared {
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
        }
    }

    /// OpenBLAS 0.3's threshold for threading a product (m·n·k ≤ 65536·4 runs single-threaded).
    static let ownThreadsMinimumWork = 262_144

    /// `sgemm` as `parts` single-threaded BLAS calls on our threads, over blocks of C's rows when
    /// m ≥ n and of its columns otherwise (block edges on multiples of 16 where there is room).
    /// Every element of C is still one BLAS dot product over the whole of k, so the split does not
    /// change the summation order within an element.
    static func splitSgemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                           m: Int, n: Int, k: Int, lda: Int, ldb: Int, transposeA: Bool, transposeB: Bool,
                           beta: Float, parts: Int) {
        let splitRows = m >= n
        let length = splitRows ? m : n
        let edge = { (part: Int) -> Int in
            if part >= parts { return length }
            let even = length * part / parts
            return length >= 16 * parts ? Swift.min(length, (even + 8) / 16 * 16) : even
        }
        let (orderA, orderB) = (transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans)
        BLASThreads.singleThreaded {
            ThreadPolicy.parallelFor(parts, workPerItem: ThreadPolicy.minimumParallelWork) { range in
                for part in range {
                    let (first, last) = (edge(part), edge(part + 1))
                    if first >= last { continue }
                    if splitRows {
                        let partA = transposeA ? a + first : a + first * lda
                        cblas_sgemm(CblasRowMajor, orderA, orderB, Int32(last - first), Int32(n), Int32(k), 1, partA, Int32(lda),
                                    b, Int32(ldb), beta, c + first * n, Int32(n))
                    } else {
                        let partB = transposeB ? b + first * ldb : b + first
                        cblas_sgemm(CblasRowMajor, orderA, orderB, Int32(m), Int32(last - first), Int32(k), 1, a, Int32(lda),
                                    partB, Int32(ldb), beta, c + first, Int32(n))
                    }
                }
            }
        }
    }

    /// `x · Wᵀ + bias` with PyTorch's Linear layout: `weight` is `[outFeatures, inFeatures]`.
    /// The bias is written first and the product accumulated onto it (BLAS β = 1), saving a pass.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        guard let bias else { return matmul(input, weight, transposeB: true) }
        precondition(weight.rank == 2 && input.shape.last == weight.shape[1] && bias.count == weight.shape[0],
                     "linear: input \(input.shape), weight \(weight.shape), bias \(bias.shape) do not fit")
        _ = ThreadPolicy.threadCount
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        let rows = input.count / Swift.max(inFeatures, 1)
        let source = input.pointer, weights = weight.pointer, biases = bias.pointer
        return Tensor(shape: Array(input.shape.dropLast()) + [outFeatures]) { output in
            let destination = output.baseAddress!
            for row in 0..<rows { (destination + row * outFeatures).initialize(from: biases, count: outFeatures) }
            if rows == 0 || inFeatures == 0 { return }
            sgemm(source, weights, destination, m: rows, n: outFeatures, k: inFeatures,
                  lda: inFeatures, ldb: inFeatures, transposeA: false, transposeB: true, beta: 1)
        }
    }
}
