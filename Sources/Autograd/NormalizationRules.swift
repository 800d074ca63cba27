import Tensor

extension Variable {
    /// Layer normalisation over the last axis. With x̂ = (x − μ)·r and r = 1/√(σ² + ε):
    /// ∂β = Σ ∂y, ∂γ = Σ ∂y ⊙ x̂, ∂x = r·(∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂)) with ∂x̂ = ∂y ⊙ γ.
    public func layerNorm(weight: Variable?, bias: Variable?, epsilon: Float = 1e-5) -> Variable {
        let input = value
        let output = input.layerNorm(weight: weight?.value, bias: bias?.value, epsilon: epsilon)
        var inputs: [Variable] = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return Variable(output, operation: "layerNorm", inputs: inputs) { gradient in
            let width = input.shape.last!
            let (mean, inverse) = input.layerNormStatistics(epsilon: epsilon)
            let rows = [input.count / width, 1]
            let normalized = (input.reshaped([-1, width]) - mean.reshaped(rows)) * inverse.reshaped(rows)  // [rows, width]
            let flatGradient = gradient.reshaped([-1, width])
            let normalizedGradient = weight.map { flatGradient * $0.value.reshaped([width]) } ?? flatGradient
            let meanGradient = normalizedGradient.mean(alongAxis: 1, keepingDimension: true)
            let meanProjection = (normalizedGradient * normalized).mean(alongAxis: 1, keepingDimension: true)
            let inputGradient = (normalizedGradient - meanGradient - normalized * meanProjection) * inverse.reshaped(rows)
            var result: [Tensor?] = [inputGradient.reshaped(input.shape)]
            if let weight { result.append((flatGradient * normalized).sum(alongAxis: 0).reshaped(weight.shape)) }
            if let bias { result.append(flatGradient.sum(alongAxis: 0).reshaped(bias.shape)) }
            return result
        }
    }

    /// Inference batch normalisation over axis 1 with fixed running statistics: an affine map per
    /// channel, y = x·s + t with s = γ/√(var + ε), t = β − mean·s.
    public func batchNorm(runningMean: Tensor, runningVariance: Tensor, weight: Variable?, bias: Variable?,
                          epsilon: Float = 1e-5) -> Variable {
        let input = value
        let output = input.batchNorm(runningMean: runningMean, runningVariance: runningVariance,
                                     weight: weight?.value, bias: bias?.value, epsilon: epsilon)
        var inputs: [Variable] = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return Variable(output, operation: "batchNorm", inputs: inputs) { gradient in
            let channels = runningMean.count
            let inverse = (runningVariance + epsilon).sqrt().map { 1 / $0 }.scalars
            let gamma = weight?.value.scalars ?? [Float](repeating: 1, count: channels)
            let scale = zip(gamma, inverse).map { $0 * $1 }
            var result: [Tensor?] = [gradient.channelAffine(scale: scale, shift: [Float](repeating: 0, count: channels))]
            let perChannel = { (tensor: Tensor) -> Tensor in
                // Σ over every axis but 1.
                tensor.reshaped([tensor.shape[0], channels, -1]).sum(alongAxis: 2).sum(alongAxis: 0)
            }
            if let weight {
                let negativeMean = runningMean.scalars.map { -$0 }
                let normalized = input.channelAffine(scale: inverse, shift: zip(negativeMean, inverse).map { $0 * $1 })
                result.append(perChannel(gradient * normalized).reshaped(weight.shape))
            }
            if let bias { result.append(perChannel(gradient).reshaped(bias.shape)) }
            return result
        }
    }
}
