import Tensor

extension Variable {
    /// Layer normalisation over the last axis. With x̂ = (x − μ)·r and r = 1/√(σ² + ε):
    /// ∂β = Σ ∂y, ∂γ = Σ ∂y ⊙ x̂, ∂x = r·(∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂)) with ∂x̂ = ∂y ⊙ γ,
    /// in one pass per row (`Tensor.layerNormBackward`).
    public func layerNorm(weight: Variable?, bias: Variable?, epsilon: Float = 1e-5) -> Variable {
        let input = value
        let output = input.layerNorm(weight: weight?.value, bias: bias?.value, epsilon: epsilon)
        var inputs: [Variable] = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return Variable(output, operation: "layerNorm", inputs: inputs) { gradient in
            let (inputGradient, weightGradient, biasGradient) = Tensor.layerNormBackward(
                input: input, outputGradient: gradient, weight: weight?.value, epsilon: epsilon)
            var result: [Tensor?] = [inputGradient]
            if let weight { result.append(Tensor(shape: weight.shape, scalars: weightGradient)) }
            if let bias { result.append(Tensor(shape: bias.shape, scalars: biasGradient)) }
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

extension Variable {
    /// Training-mode batch normalisation over axis 1 of `[batch, channels, …]` (Ioffe & Szegedy
    /// 2015): y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch's own per-channel mean μ_B and biased
    /// variance σ²_B, which are returned too so the caller can update running statistics. The
    /// backward rule differentiates through μ_B and σ²_B (see `Tensor.batchNormTrainingBackward`).
    /// `rectified` applies a ReLU in the same pass, max(y, 0), and its backward in the batch
    /// normalisation's (the same values as `.relu()` after it, one tensor and two passes fewer).
    public func batchNormTraining(weight: Variable?, bias: Variable?, epsilon: Float = 1e-5, rectified: Bool = false)
        -> (output: Variable, mean: [Float], variance: [Float]) {
        let input = value
        let channels = input.shape[1]
        let (mean, variance) = input.channelStatistics()
        let inverse = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let gamma = weight?.value.scalars
        var scale = [Float](repeating: 0, count: channels), shift = [Float](repeating: 0, count: channels)
        for channel in 0..<channels {
            scale[channel] = (gamma?[channel] ?? 1) * inverse[channel]
            shift[channel] = (bias?.value.pointer[channel] ?? 0) - mean[channel] * scale[channel]
        }
        var inputs: [Variable] = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let result = input.channelAffine(scale: scale, shift: shift, rectified: rectified)
        let output = Variable(result, operation: rectified ? "batchNormTrainingReLU" : "batchNormTraining",
                              inputs: inputs) { gradient in
            let (inputGradient, weightGradient, biasGradient) = Tensor.batchNormTrainingBackward(
                input: input, outputGradient: gradient, mean: mean, inverseDeviation: inverse, weight: gamma,
                rectifiedOutput: rectified ? result : nil)
            var result: [Tensor?] = [inputGradient]
            if let weight { result.append(Tensor(shape: weight.shape, scalars: weightGradient)) }
            if let bias { result.append(Tensor(shape: bias.shape, scalars: biasGradient)) }
            return result
        }
        return (output, mean, variance)
    }
}
