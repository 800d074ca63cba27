import CReducedPrecision

/// A Linear weight W `[outFeatures, inFeatures]` rounded once to bfloat16 (nearest even) and
/// packed for the AVX512_BF16 product kernel: blocks of 64 output columns, each holding the
/// weights of 64 columns for pairs of consecutive inputs, the operand layout of `vdpbf16ps`
/// (Kalamkar et al. 2019, "A Study of BFLOAT16 for Deep Learning Training").
///
/// Immutable after creation, so one copy serves concurrent inference calls.
public final class BFloat16Weights: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    /// `inFeatures` rounded up to even: the row stride of converted activations.
    let paddedDepth: Int
    let packed: UnsafeMutablePointer<UInt16>

    /// Packs `weight` `[outFeatures, inFeatures]`.
    public init(_ weight: Tensor) {
        precondition(weight.rank == 2, "bf16 weights need a matrix [outFeatures, inFeatures], got \(weight.shape)")
        outFeatures = weight.shape[0]
        inFeatures = weight.shape[1]
        paddedDepth = (inFeatures + 1) / 2 * 2
        let count = ck_bf16_packed_count(Int32(outFeatures), Int32(inFeatures))
        packed = UnsafeMutablePointer<UInt16>.allocate(capacity: max(count, 1))
        ck_bf16_pack_weights(weight.pointer, Int32(outFeatures), Int32(inFeatures), Int32(inFeatures), packed)
    }

    deinit { packed.deallocate() }

    /// Blocks of `CK_BF16_BLOCK_COLUMNS` output columns.
    var blockCount: Int { (outFeatures + Int(CK_BF16_BLOCK_COLUMNS) - 1) / Int(CK_BF16_BLOCK_COLUMNS) }
}

extension Tensor {
    /// `x · Wᵀ + bias` with W held in bfloat16 (`BFloat16Weights`): the input rows are rounded to
    /// bfloat16 on the way in, products are summed in float. `[…, inFeatures]` → `[…, outFeatures]`.
    /// Work is split over `ThreadPolicy` threads by blocks of 64 output columns.
    public static func linear(_ input: Tensor, weight: BFloat16Weights, bias: Tensor?) -> Tensor {
        let (outFeatures, inFeatures, paddedDepth) = (weight.outFeatures, weight.inFeatures, weight.paddedDepth)
        let source = input.pointer, biases = bias?.pointer
        return reducedPrecisionProduct(input, outFeatures: outFeatures, inFeatures: inFeatures, bias: bias, format: "bf16") { rows, destination in
            // The bf16 rows borrow a pooled float buffer of half their count.
            let floatCount = (rows * paddedDepth + 1) / 2
            let buffer = BufferPool.take(count: floatCount) ?? UnsafeMutablePointer<Float>.allocate(capacity: floatCount)
            defer { BufferPool.give(buffer, count: floatCount) }
            let converted = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt16.self)  // [rows, paddedDepth] bf16
            ThreadPolicy.parallelFor(rows, workPerItem: inFeatures) { range in
                ck_bf16_convert_rows(source, Int32(inFeatures), Int32(inFeatures), converted, Int32(paddedDepth),
                                     Int32(range.lowerBound), Int32(range.upperBound))
            }
            let blockWork = rows * Int(CK_BF16_BLOCK_COLUMNS) * inFeatures
            ThreadPolicy.parallelFor(weight.blockCount, workPerItem: blockWork) { blocks in
                ck_bf16_gemm(converted, Int32(rows), Int32(paddedDepth), weight.packed, Int32(outFeatures), biases,
                             destination, Int32(outFeatures), Int32(blocks.lowerBound), Int32(blocks.upperBound))
            }
        }
    }
}
