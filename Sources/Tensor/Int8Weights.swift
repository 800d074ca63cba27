import CReducedPrecision

/// A Linear weight W `[outFeatures, inFeatures]` quantised once to 8 bits per output column,
/// W[c, k] ≈ s_c·q_ck with s_c = max_k |W[c, k]|/127 and q_ck ∈ [−127, 127], packed for the
/// AVX512_VNNI kernel (`vpdpbusd`: four u8·s8 products summed into each int32 lane). Inputs are
/// quantised per row on every call the same way and offset by 128 to unsigned bytes, so
///
///     y[r, c] = s_r·s_c·(Σ_k (q_rk + 128)·q_ck − 128·Σ_k q_ck) + b_c
///
/// (the symmetric dynamic quantisation of Jacob et al. 2018, "Quantization and Training of
/// Neural Networks for Efficient Integer-Arithmetic-Only Inference", with per-row activation and
/// per-column weight scales). Immutable after creation.
public final class Int8Weights: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    /// `inFeatures` rounded up to a multiple of 4: the row stride of quantised activations.
    let paddedDepth: Int
    let packed: UnsafeMutablePointer<Int8>
    let columnScales: UnsafeMutablePointer<Float>
    let columnSums: UnsafeMutablePointer<Int32>

    /// Quantises and packs `weight` `[outFeatures, inFeatures]`.
    public init(_ weight: Tensor) {
        precondition(weight.rank == 2, "int8 weights need a matrix [outFeatures, inFeatures], got \(weight.shape)")
        outFeatures = weight.shape[0]
        inFeatures = weight.shape[1]
        paddedDepth = (inFeatures + 3) / 4 * 4
        packed = .allocate(capacity: max(1, ck_int8_packed_count(Int32(outFeatures), Int32(inFeatures))))
        columnScales = .allocate(capacity: max(1, outFeatures))
        columnSums = .allocate(capacity: max(1, outFeatures))
        ck_int8_pack_weights(weight.pointer, Int32(outFeatures), Int32(inFeatures), Int32(inFeatures), packed, columnScales, columnSums)
    }

    deinit {
        packed.deallocate()
        columnScales.deallocate()
        columnSums.deallocate()
    }

    var blockCount: Int { (outFeatures + Int(CK_BF16_BLOCK_COLUMNS) - 1) / Int(CK_BF16_BLOCK_COLUMNS) }
}

extension Tensor {
    /// `x · Wᵀ + bias` with W held in 8 bits (`Int8Weights`); each input row is quantised to 8
    /// bits with its own scale on the way in, products are summed in int32.
    /// `[…, inFeatures]` → `[…, outFeatures]`, split over `ThreadPolicy` threads by blocks of 64 columns.
    public static func linear(_ input: Tensor, weight: Int8Weights, bias: Tensor?) -> Tensor {
        precondition(input.rank >= 1 && input.shape.last == weight.inFeatures && (bias == nil || bias!.count == weight.outFeatures),
                     "linear: input \(input.shape), int8 weight [\(weight.outFeatures), \(weight.inFeatures)], bias \(bias?.shape ?? []) do not fit")
        let (outFeatures, inFeatures, paddedDepth) = (weight.outFeatures, weight.inFeatures, weight.paddedDepth)
        let rows = input.count / Swift.max(inFeatures, 1)
        let source = input.pointer, biases = bias?.pointer
        return Tensor(shape: Array(input.shape.dropLast()) + [outFeatures]) { output in
            let destination = output.baseAddress!
            if rows == 0 || outFeatures == 0 { return }
            if inFeatures == 0 {
                for row in 0..<rows {
                    for column in 0..<outFeatures { destination[row * outFeatures + column] = biases?[column] ?? 0 }
                }
                return
            }
            // The quantised rows borrow a pooled float buffer of a quarter of their count.
            let floatCount = (rows * paddedDepth + 3) / 4
            let buffer = BufferPool.take(count: floatCount) ?? UnsafeMutablePointer<Float>.allocate(capacity: floatCount)
            defer { BufferPool.give(buffer, count: floatCount) }
            let quantized = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self)  // [rows, paddedDepth] u8
            let rowScales = UnsafeMutablePointer<Float>.allocate(capacity: rows)  // [rows]
            defer { rowScales.deallocate() }
            ThreadPolicy.parallelFor(rows, workPerItem: inFeatures * 2) { range in
                ck_int8_quantize_activation_rows(source, Int32(inFeatures), Int32(inFeatures), quantized, Int32(paddedDepth), rowScales,
                                                 Int32(range.lowerBound), Int32(range.upperBound))
            }
            let blockWork = rows * Int(CK_BF16_BLOCK_COLUMNS) * inFeatures
            ThreadPolicy.parallelFor(weight.blockCount, workPerItem: blockWork) { blocks in
                ck_int8_gemm(quantized, rowScales, Int32(rows), Int32(paddedDepth), weight.packed, weight.columnScales, weight.columnSums,
                             Int32(outFeatures), biases, destination, Int32(outFeatures), Int32(blocks.lowerBound), Int32(blocks.upperBound))
            }
        }
    }
}
