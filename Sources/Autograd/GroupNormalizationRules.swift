import Tensor

extension Variable {
    /// Group normalisation of `[batch, channels, …]` (Wu & He 2018; see `Tensor.groupNorm`) with
    /// optional per-channel γ (`weight`) and β (`bias`). The backward rule differentiates through
    /// each group's mean and variance (see `Tensor.groupNormBackward`).
    public func groupNorm(groups: Int, weight: Variable?, bias: Variable?, epsilon: Float = 1e-5) -> Variable {
        let input = value
        let (mean, inverseDeviation) = input.groupNormStatistics(groups: groups, epsilon: epsilon)
        let output = input.groupNormalized(groups: groups, mean: mean, inverseDeviation: inverseDeviation,
                                           weight: weight?.value, bias: bias?.value)
        var inputs: [Variable] = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return Variable(output, operation: "groupNorm", inputs: inputs) { gradient in
            let (inputGradient, weightGradient, biasGradient) = Tensor.groupNormBackward(
                input: input, outputGradient: gradient, groups: groups, mean: mean, inverseDeviation: inverseDeviation,
                weight: weight?.value)
            var result: [Tensor?] = [inputGradient]
            if let weight { result.append(Tensor(shape: weight.shape, scalars: weightGradient)) }
            if let bias { result.append(Tensor(shape: bias.shape, scalars: biasGradient)) }
            return result
        }
    }
}
