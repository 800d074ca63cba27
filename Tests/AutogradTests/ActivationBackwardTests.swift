import Autograd
import Tensor
import Testing

/// The one-pass ReLU and SiLU input gradients against the unfused form ∂y ⊙ f′(x) (the derivative
/// tensor first, then the product): bit-identical, including ReLU's zero gradient at x ≤ 0.
@Suite struct ActivationBackwardTests {
    func gradient(of function: (Variable) -> Variable, at input: Tensor, seed: Tensor) -> Tensor {
        let variable = Variable(input, requiresGradient: true)
        function(variable).backward(seed: seed)
        return variable.gradient!
    }

    @Test func reluAndSiLUMatchTheUnfusedProduct() {
        var generator = SeededGenerator(seed: 9)
        var input = Tensor.randomNormal([3, 70_000], standardDeviation: 3, generator: &generator)
        input.withUnsafeMutableBufferPointer { $0[0] = 0; $0[1] = -0.0 }
        let seed = Tensor.randomNormal(input.shape, generator: &generator)
        let reluSlope = input.map { $0 > 0 ? 1 : 0 }
        #expect(gradient(of: { $0.relu() }, at: input, seed: seed).scalars == (seed * reluSlope).scalars)
        let siluSlope = input.map { x in
            let s = FastMath.sigmoid(x)
            return s * (1 + x * (1 - s))
        }
        #expect(gradient(of: { $0.silu() }, at: input, seed: seed).scalars == (seed * siluSlope).scalars)
    }
}
