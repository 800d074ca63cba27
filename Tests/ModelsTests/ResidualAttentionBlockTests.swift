import Autograd
import Models
import NN
import Tensor
import Testing

/// The pooled form of a block (`keepingRows:`) gives exactly the kept rows of the full block.
@Suite struct ResidualAttentionBlockTests {
    func randomBlock(generator: inout SeededGenerator) -> ResidualAttentionBlock {
        let block = ResidualAttentionBlock(width: 16, heads: 4, mlpWidth: 24, activation: .quickGELU)
        for (_, parameter) in block.namedParameters {
            parameter.value = Tensor.randomNormal(parameter.value.shape, mean: 0.1, standardDeviation: 0.3, generator: &generator)
        }
        return block
    }

    @Test func keptRowsEqualTheFullBlockForEveryMaskShape() throws {
        var generator = SeededGenerator(seed: 7)
        let block = randomBlock(generator: &generator)
        let (batch, tokens) = (3, 6)
        let input = Variable(Tensor.randomNormal([batch, tokens, 16], generator: &generator))
        let rows = [5, 0, 2]
        var padding = Tensor(zeros: [batch, 1, 1, tokens])
        padding.withUnsafeMutableBufferPointer { $0[4] = -.infinity; $0[tokens + 5] = -.infinity }
        let masks: [Tensor?] = [nil, Tensor.causalMask(size: tokens), padding, Tensor(shape: [tokens], scalars: [0, 0, -1, 0, -.infinity, 0])]
        for mask in masks {
            let full = GradientMode.withoutGradients { block(input, mask: mask).value }  // [batch, tokens, 16]
            let kept = GradientMode.withoutGradients { block(input, mask: mask, keepingRows: rows).value }  // [batch, 16]
            let expected = Tensor.gather(rowsOf: full.reshaped([batch * tokens, 16]),
                                         indices: rows.enumerated().map { $0.offset * tokens + $0.element })
            #expect(kept.maxAbsoluteDifference(expected) <= 1e-5, "mask \(mask?.shape ?? [])")
        }
    }

    @Test func pooledStackEqualsTheFullStack() throws {
        var generator = SeededGenerator(seed: 8)
        let stack = PreNormTransformer(width: 16, layers: 2, heads: 4, mlpWidth: 24, activation: .gelu)
        for (_, parameter) in stack.namedParameters {
            parameter.value = Tensor.randomNormal(parameter.value.shape, standardDeviation: 0.3, generator: &generator)
        }
        let input = Variable(Tensor.randomNormal([2, 5, 16], generator: &generator))
        let mask = Tensor.causalMask(size: 5)
        let full = stack(input, mask: mask).value
        let kept = stack(input, mask: mask, keepingRows: [3, 4]).value
        let expected = Tensor.gather(rowsOf: full.reshaped([10, 16]), indices: [3, 9])
        #expect(kept.maxAbsoluteDifference(expected) <= 1e-5)
    }
}
