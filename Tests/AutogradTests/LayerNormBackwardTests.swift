import Autograd
import Tensor
import Testing

/// The one-pass LayerNorm backward (`Tensor.layerNormBackward`) against the same gradients written
/// with whole-tensor operations (the unfused rule it replaced), with and without γ, over enough rows
/// that ∂γ and ∂β are summed from several blocks (and 9 rows, which leave the last blocks empty, and
/// one row): max |Δ| ≤ 1e-5 of the largest magnitude.
@Suite struct LayerNormBackwardTests {
    func unfused(input: Tensor, gradient: Tensor, weight: Tensor?, epsilon: Float) -> (Tensor, Tensor, Tensor) {
        let width = input.shape.last!
        let (mean, inverse) = input.layerNormStatistics(epsilon: epsilon)
        let rows = [input.count / width, 1]
        let normalized = (input.reshaped([-1, width]) - mean.reshaped(rows)) * inverse.reshaped(rows)  // [rows, width]
        let flatGradient = gradient.reshaped([-1, width])
        let normalizedGradient = weight.map { flatGradient * $0.reshaped([width]) } ?? flatGradient
        let meanGradient = normalizedGradient.mean(alongAxis: 1, keepingDimension: true)
        let meanProjection = (normalizedGradient * normalized).mean(alongAxis: 1, keepingDimension: true)
        let inputGradient = (normalizedGradient - meanGradient - normalized * meanProjection) * inverse.reshaped(rows)
        return (inputGradient.reshaped(input.shape), (flatGradient * normalized).sum(alongAxis: 0), flatGradient.sum(alongAxis: 0))
    }

    func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String) {
        let scale = expected.scalars.map(abs).max() ?? 0
        #expect(actual.maxAbsoluteDifference(expected) <= 1e-5 * max(scale, 1), "\(label): scale \(scale)")
    }

    @Test(arguments: [(true, [3, 101, 64]), (false, [3, 101, 64]), (true, [9, 64]), (false, [1, 64])])
    func matchesTheUnfusedRule(withWeight: Bool, shape: [Int]) {
        var generator = SeededGenerator(seed: 21)
        let input = Tensor.randomNormal(shape, standardDeviation: 2, generator: &generator) + 0.5
        let gradient = Tensor.randomNormal(input.shape, generator: &generator)
        let weight = withWeight ? Tensor.randomNormal([64], generator: &generator) : nil
        let (inputGradient, weightGradient, biasGradient) = Tensor.layerNormBackward(input: input, outputGradient: gradient,
                                                                                      weight: weight, epsilon: 1e-5)
        let (expectedInput, expectedWeight, expectedBias) = unfused(input: input, gradient: gradient, weight: weight, epsilon: 1e-5)
        expectClose(inputGradient, expectedInput, "∂x")
        expectClose(Tensor(shape: [64], scalars: weightGradient), expectedWeight, "∂γ")
        expectClose(Tensor(shape: [64], scalars: biasGradient), expectedBias, "∂β")
    }
}
