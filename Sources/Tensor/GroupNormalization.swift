extension Tensor {
    /// Group normalisation (Wu & He 2018) of `[batch, channels, …]`: the channels are split into
    /// `groups` consecutive groups and each (image, group) is normalised over its channels and
    /// positions, y = (x − μ)/√(σ² + ε)·γ_c + β_c with the biased variance (PyTorch's `GroupNorm`).
    public func groupNorm(groups: Int, weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) -> Tensor {
        let (mean, inverseDeviation) = groupNormStatistics(groups: groups, epsilon: epsilon)
        return groupNormalized(groups: groups, mean: mean, inverseDeviation: inverseDeviation, weight: weight, bias: bias)
    }

    /// Mean and 1/√(σ² + ε) of every (image, group), in image-major order (`[batch · groups]`).
    /// Each group is one contiguous run of channels/groups · positions scalars.
    public func groupNormStatistics(groups: Int, epsilon: Float) -> (mean: [Float], inverseDeviation: [Float]) {
        let (rows, length) = groupNormLayout(groups: groups)
        var means = [Float](repeating: 0, count: rows), inverses = [Float](repeating: 0, count: rows)
        let source = pointer
        means.withUnsafeMutableBufferPointer { meanBuffer in
            inverses.withUnsafeMutableBufferPointer { inverseBuffer in
                let meanOutput = meanBuffer.baseAddress!, inverseOutput = inverseBuffer.baseAddress!
                ThreadPolicy.parallelFor(rows, workPerItem: 2 * length) { range in
                    for row in range {
                        (meanOutput[row], inverseOutput[row]) = Tensor.rowStatistics(source + row * length, length, epsilon)
                    }
                }
            }
        }
        return (means, inverses)
    }

    /// Applies group normalisation with given statistics (see `groupNorm`).
    public func groupNormalized(groups: Int, mean: [Float], inverseDeviation: [Float], weight: Tensor?, bias: Tensor?) -> Tensor {
        let (rows, _) = groupNormLayout(groups: groups)
        let channels = shape[1], spatial = shape[2...].reduce(1, *), groupChannels = channels / groups
        precondition(mean.count == rows && inverseDeviation.count == rows, "group statistics do not fit \(shape)")
        if let weight { precondition(weight.count == channels, "GroupNorm weight \(weight.shape) does not fit \(channels) channels") }
        if let bias { precondition(bias.count == channels, "GroupNorm bias \(bias.shape) does not fit \(channels) channels") }
        let source = pointer, gamma = weight?.pointer, beta = bias?.pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(rows * groupChannels, workPerItem: 2 * spatial) { range in
                for plane in range {
                    // plane = (image·channels + channel); its group row is plane / groupChannels.
                    let row = plane / groupChannels, channel = plane % channels
                    let scale = (gamma?[channel] ?? 1) * inverseDeviation[row]
                    let shift = (beta?[channel] ?? 0) - mean[row] * scale
                    let input = source + plane * spatial, result = destination + plane * spatial
                    for index in 0..<spatial { result[index] = input[index] * scale + shift }
                }
            }
        }
    }

    /// Gradients of group normalisation. With x̂ = (x − μ)·r over a group of M values and
    /// ∂x̂ = ∂y·γ_c: ∂x = r·(∂x̂ − mean(∂x̂) − x̂·mean(∂x̂·x̂)), ∂γ_c = Σ ∂y·x̂, ∂β_c = Σ ∂y
    /// (sums over images and positions). Returns the input gradient and per-channel ∂γ, ∂β.
    public static func groupNormBackward(input: Tensor, outputGradient: Tensor, groups: Int, mean: [Float],
                                         inverseDeviation: [Float], weight: Tensor?)
        -> (input: Tensor, weight: [Float], bias: [Float]) {
        precondition(input.shape == outputGradient.shape, "gradient \(outputGradient.shape) does not match input \(input.shape)")
        let (rows, length) = input.groupNormLayout(groups: groups)
        let batch = input.shape[0], channels = input.shape[1], spatial = input.shape[2...].reduce(1, *)
        let groupChannels = channels / groups
        // Per (image, channel): Σ ∂y and Σ ∂y·(x − μ).
        var planeSums = [Float](repeating: 0, count: batch * channels), planeProducts = planeSums
        let x = input.pointer, dy = outputGradient.pointer, gamma = weight?.pointer
        let inputGradient = Tensor(shape: input.shape) { output in
            let dx = output.baseAddress!
            planeSums.withUnsafeMutableBufferPointer { sumBuffer in
                planeProducts.withUnsafeMutableBufferPointer { productBuffer in
                    let sums = sumBuffer.baseAddress!, products = productBuffer.baseAddress!
                    ThreadPolicy.parallelFor(rows, workPerItem: 3 * length) { range in
                        for row in range {
                            let mu = mean[row], r = inverseDeviation[row], image = row / groups, group = row % groups
                            var meanGradient: Float = 0, meanProjection: Float = 0
                            for member in 0..<groupChannels {
                                let channel = group * groupChannels + member, plane = image * channels + channel
                                let (sum, product) = VectorReductions.sumAndCenteredProduct(dy + plane * spatial, x + plane * spatial,
                                                                                           spatial, from: mu)
                                sums[plane] = sum
                                products[plane] = product
                                let g = gamma?[channel] ?? 1
                                meanGradient += g * sum
                                meanProjection += g * product * r
                            }
                            meanGradient /= Float(length)
                            meanProjection /= Float(length)
                            for member in 0..<groupChannels {
                                let channel = group * groupChannels + member, plane = image * channels + channel
                                let g = gamma?[channel] ?? 1
                                let inputRun = x + plane * spatial, gradientRun = dy + plane * spatial, result = dx + plane * spatial
                                for index in 0..<spatial {
                                    let normalized = (inputRun[index] - mu) * r
                                    result[index] = r * (g * gradientRun[index] - meanGradient - normalized * meanProjection)
                                }
                            }
                        }
                    }
                }
            }
        }
        var weightGradient = [Float](repeating: 0, count: channels), biasGradient = [Float](repeating: 0, count: channels)
        for image in 0..<batch {
            for channel in 0..<channels {
                let plane = image * channels + channel
                weightGradient[channel] += planeProducts[plane] * inverseDeviation[image * groups + channel / groupChannels]
                biasGradient[channel] += planeSums[plane]
            }
        }
        return (inputGradient, weightGradient, biasGradient)
    }

    /// (batch · groups, scalars per group) after checking that the channels divide into groups.
    func groupNormLayout(groups: Int) -> (rows: Int, length: Int) {
        precondition(rank >= 2, "GroupNorm needs [batch, channels, …], got \(shape)")
        precondition(groups > 0 && shape[1] % groups == 0, "\(shape[1]) channels do not divide into \(groups) groups")
        return (shape[0] * groups, count / Swift.max(shape[0] * groups, 1))
    }
}
