import Tensor
import Testing

/// `Tensor.packedSelfAttention` equals the composed path (projection split, permuted heads,
/// `scaledDotProductAttention`, heads merged) for sizes below and above BLAS's threading threshold.
@Suite struct PackedAttentionTests {
    func composed(_ packed: Tensor, heads: Int, mask: Tensor?) -> Tensor {
        let (batch, tokens, width) = (packed.shape[0], packed.shape[1], packed.shape[2] / 3)
        let split = packed.reshaped([batch, tokens, 3, heads, width / heads]).permuted([2, 0, 3, 1, 4])  // [3, batch, heads, tokens, depth]
        let attended = Tensor.scaledDotProductAttention(query: split[0], key: split[1], value: split[2], mask: mask)
        return attended.permuted([0, 2, 1, 3]).reshaped([batch, tokens, width])
    }

    @Test(arguments: [(2, 5, 16, 4), (3, 77, 128, 2), (1, 50, 64, 1)])
    func matchesComposedAttention(_ shape: (batch: Int, tokens: Int, width: Int, heads: Int)) {
        var generator = SeededGenerator(seed: UInt64(shape.tokens))
        let packed = Tensor.randomNormal([shape.batch, shape.tokens, 3 * shape.width], generator: &generator)
        for mask in [nil, Tensor.causalMask(size: shape.tokens)] {
            let fused = Tensor.packedSelfAttention(packed, heads: shape.heads, mask: mask)
            let expected = composed(packed, heads: shape.heads, mask: mask)
            #expect(fused.shape == expected.shape)
            #expect(fused.maxAbsoluteDifference(expected) <= 1e-5, "\(shape), mask: \(mask != nil)")
        }
    }

    @Test func fullyMaskedRowsGiveZeros() {
        var generator = SeededGenerator(seed: 3)
        let packed = Tensor.randomNormal([1, 3, 12], generator: &generator)
        let mask = Tensor(shape: [3, 3], scalars: [-.infinity, -.infinity, -.infinity, 0, 0, 0, 0, -.infinity, 0])
        let fused = Tensor.packedSelfAttention(packed, heads: 2, mask: mask)
        #expect(Array(fused.scalars[0..<4]) == [0, 0, 0, 0])
        #expect(fused.maxAbsoluteDifference(composed(packed, heads: 2, mask: mask)) <= 1e-6)
    }
}
