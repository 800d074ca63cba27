import Foundation

extension Tensor {
    /// Per-channel mean μ_c and biased variance σ²_c = (1/M)·Σ (x − μ_c)² over every axis but 1 of
    /// `[batch, channels, …]` (M = batch · spatial size), the statistics training-mode batch
    /// normalisation uses (Ioffe & Szegedy 2015). Two passes per channel, partial sums per plane
    /// accumulated in Double, so the result does not depend on the thread count.
    public func channelStatistics() -> (mean: [Float], variance: [Float]) {
        precondition(rank >= 2, "channel statistics need [batch, channels, …], got \(shape)")
        let batch = shape[0], channels = shape[1], spatial = shape[2...].reduce(1, *)
        let elements = Double(Swift.max(batch * spatial, 1))
        var means = [Float](repeating: 0, count: channels), variances = [Float](repeating: 0, count: channels)
        let source = pointer
        means.withUnsafeMutableBufferPointer { meanBuffer in
            variances.withUnsafeMutableBufferPointer { varianceBuffer in
                let meanOutput = meanBuffer.baseAddress!, varianceOutput = varianceBuffer.baseAddress!
                ThreadPolicy.parallelFor(channels, workPerItem: 2 * batch * spatial) { range in
                    for channel in range {
                        var total = 0.0
                        for image in 0..<batch {
                            total += Double(VectorReductions.sum(source + (image * channels + channel) * spatial, spatial))
                        }
                        let mean = Float(total / elements)
                        var squares = 0.0
                        for image in 0..<batch {
                            squares += Double(VectorReductions.sumOfSquaredDeviations(
                                source + (image * channels + channel) * spatial, spatial, from: mean))
                        }
                        meanOutput[channel] = mean
                        varianceOutput[channel] = Float(squares / elements)
                    }
                }
            }
        }
        return (means, variances)
    }

    /// Gradients of training-mode batch normalisation y = γ·x̂ + β, x̂ = (x − μ)·r, r = 1/√(σ² + ε),
    /// with μ and σ² the batch statistics of each channel over M elements:
    /// ∂β = Σ ∂y, ∂γ = Σ ∂y·x̂, ∂x = γ·r/M · (M·∂y − Σ ∂y − x̂·Σ ∂y·x̂).
    /// Returns the input gradient and the per-channel Σ ∂y·x̂ (∂γ) and Σ ∂y (∂β). With
    /// `rectifiedOutput` (the output of a fused ReLU, max(y, 0)), ∂y is first masked to where that
    /// output is positive: the ReLU's backward in the same passes.
    public static func batchNormTrainingBackward(input: Tensor, outputGradient: Tensor, mean: [Float],
                                                 inverseDeviation: [Float], weight: [Float]?, rectifiedOutput: Tensor? = nil)
        -> (input: Tensor, weight: [Float], bias: [Float]) {
        precondition(rectifiedOutput == nil || rectifiedOutput!.shape == input.shape,
                     "rectified output \(rectifiedOutput!.shape) does not match input \(input.shape)")
        let rectified = rectifiedOutput?.pointer
        precondition(input.shape == outputGradient.shape, "gradient \(outputGradient.shape) does not match input \(input.shape)")
        let batch = input.shape[0], channels = input.shape[1], spatial = input.shape[2...].reduce(1, *)
        let elements = Float(batch * spatial)
        var weightGradient = [Float](repeating: 0, count: channels), biasGradient = [Float](repeating: 0, count: channels)
        let x = input.pointer, dy = outputGradient.pointer
        let inputGradient = Tensor(shape: input.shape) { output in
            let dx = output.baseAddress!
            weightGradient.withUnsafeMutableBufferPointer { weightBuffer in
                biasGradient.withUnsafeMutableBufferPointer { biasBuffer in
                    let weightOutput = weightBuffer.baseAddress!, biasOutput = biasBuffer.baseAddress!
                    ThreadPolicy.parallelFor(channels, workPerItem: 3 * batch * spatial) { range in
                        for channel in range {
                            let mu = mean[channel], r = inverseDeviation[channel]
                            // Σ ∂y and Σ ∂y·(x − μ) of this channel, plane by plane in SIMD partial sums.
                            var sumGradient = 0.0, sumCentered = 0.0
                            for image in 0..<batch {
                                let base = (image * channels + channel) * spatial
                                let (planeGradient, planeCentered) = rectified.map {
                                    VectorReductions.maskedSumAndCenteredProduct(dy + base, x + base, mask: $0 + base, spatial, from: mu)
                                } ?? VectorReductions.sumAndCenteredProduct(dy + base, x + base, spatial, from: mu)
                                sumGradient += Double(planeGradient)
                                sumCentered += Double(planeCentered)
                            }
                            let gradientTotal = Float(sumGradient), projectionTotal = Float(sumCentered) * r
                            weightOutput[channel] = projectionTotal
                            biasOutput[channel] = gradientTotal
                            // ∂x = scale·(M·∂y − Σ∂y − (x − μ)·r·Σ∂y·x̂) = a·∂y + b·(x − μ) + c, one vectorised pass.
                            let scale = (weight?[channel] ?? 1) * r / elements
                            let a = scale * elements, b = -scale * r * projectionTotal, c = -scale * gradientTotal
                            for image in 0..<batch {
                                let base = (image * channels + channel) * spatial
                                let (planeX, planeGradient, planeOutput) = (x + base, dy + base, dx + base)
                                if let rectified {
                                    let planeMask = rectified + base
                                    for index in 0..<spatial {
                                        let g = planeMask[index] > 0 ? planeGradient[index] : 0
                                        planeOutput[index] = a * g + b * (planeX[index] - mu) + c
                                    }
                                } else {
                                    for index in 0..<spatial {
                                        planeOutput[index] = a * planeGradient[index] + b * (planeX[index] - mu) + c
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (inputGradient, weightGradient, biasGradient)
    }
}
