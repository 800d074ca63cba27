extension Tensor {
    /// The gradients of `layerNorm(weight:bias:epsilon:)` over the last axis in one pass per row
    /// (Ba, Kiros & Hinton 2016). With per-row μ, r = 1/√(σ² + ε), x̂ = (x − μ)·r and ∂x̂ = ∂y ⊙ γ:
    ///
    ///     ∂x = r·(∂x̂ − mean(∂x̂) − x̂ ⊙ mean(∂x̂ ⊙ x̂)),   ∂γ = Σ_rows ∂y ⊙ x̂,   ∂β = Σ_rows ∂y
    ///
    /// Each row's statistics, x̂ and both means are computed while the row is in cache; ∂γ and ∂β
    /// are summed per block of rows and the blocks added in order. Returns ∂x in `input`'s shape
    /// and ∂γ, ∂β as `[width]` arrays (∂γ is Σ ∂y ⊙ x̂ even without a weight).
    public static func layerNormBackward(input: Tensor, outputGradient: Tensor, weight: Tensor?, epsilon: Float)
        -> (input: Tensor, weight: [Float], bias: [Float]) {
        precondition(input.shape == outputGradient.shape, "gradient \(outputGradient.shape) does not match input \(input.shape)")
        let width = input.shape.last ?? 1
        if let weight { precondition(weight.count == width, "LayerNorm weight \(weight.shape) does not match \(input.shape)") }
        let rows = input.count / Swift.max(width, 1)
        let blocks = Swift.max(1, Swift.min(rows, 4 * ThreadPolicy.threadCount))
        let rowsPerBlock = (rows + blocks - 1) / Swift.max(blocks, 1)
        var weightPartials = [Float](repeating: 0, count: blocks * width)
        var biasPartials = [Float](repeating: 0, count: blocks * width)
        let ones = weight == nil ? [Float](repeating: 1, count: width) : []
        let source = input.pointer, gradients = outputGradient.pointer
        let inputGradient = Tensor(shape: input.shape) { output in
            let destination = output.baseAddress!
            ones.withUnsafeBufferPointer { onesBuffer in
            let gamma = weight.map { UnsafePointer($0.pointer) } ?? onesBuffer.baseAddress!
            weightPartials.withUnsafeMutableBufferPointer { weightBuffer in
                biasPartials.withUnsafeMutableBufferPointer { biasBuffer in
                    let weightSums = weightBuffer.baseAddress!, biasSums = biasBuffer.baseAddress!
                    ThreadPolicy.parallelFor(blocks, workPerItem: rowsPerBlock * width * 8) { range in
                        var normalized = [Float](repeating: 0, count: width), scaled = [Float](repeating: 0, count: width)
                        for block in range {
                            let weightSum = weightSums + block * width, biasSum = biasSums + block * width
                            // The last blocks may be empty (9 rows in 8 blocks of 2).
                            let first = Swift.min(rows, block * rowsPerBlock)
                            for row in first..<Swift.min(rows, first + rowsPerBlock) {
                                let x = source + row * width, g = gradients + row * width, dx = destination + row * width
                                let (mean, inverse) = rowStatistics(x, width, epsilon)
                                var scaledSum: Float = 0, projectionSum: Float = 0
                                for index in 0..<width {
                                    let xHat = (x[index] - mean) * inverse
                                    let dxHat = g[index] * gamma[index]
                                    normalized[index] = xHat
                                    scaled[index] = dxHat
                                    scaledSum += dxHat
                                    projectionSum += dxHat * xHat
                                    weightSum[index] += g[index] * xHat
                                    biasSum[index] += g[index]
                                }
                                let scaledMean = scaledSum / Float(width), projectionMean = projectionSum / Float(width)
                                for index in 0..<width {
                                    dx[index] = (scaled[index] - scaledMean - normalized[index] * projectionMean) * inverse
                                }
                            }
                        }
                    }
                }
            }
            }
        }
        var weightGradient = [Float](repeating: 0, count: width), biasGradient = [Float](repeating: 0, count: width)
        for block in 0..<blocks {
            for index in 0..<width {
                weightGradient[index] += weightPartials[block * width + index]
                biasGradient[index] += biasPartials[block * width + index]
            }
        }
        return (inputGradient, weightGradient, biasGradient)
    }
}
