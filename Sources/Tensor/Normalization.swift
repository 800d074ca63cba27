import Foundation

extension Tensor {
    /// Layer normalisation over the last axis (Ba, Kiros & Hinton 2016):
    /// y = (x − mean) / √(var + ε) · weight + bias, with the biased variance.
    public func layerNorm(weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) -> Tensor {
        let length = shape.last ?? 1
        if let weight { precondition(weight.count == length, "LayerNorm weight \(weight.shape) does not match \(shape)") }
        if let bias { precondition(bias.count == length, "LayerNorm bias \(bias.shape) does not match \(shape)") }
        let gamma = weight?.pointer, beta = bias?.pointer
        return rowwise { row, output, length in
            let (mean, inverseDeviation) = Tensor.rowStatistics(row, length, epsilon)
            for index in 0..<length { output[index] = (row[index] - mean) * inverseDeviation }
            if let gamma { for index in 0..<length { output[index] *= gamma[index] } }
            if let beta { for index in 0..<length { output[index] += beta[index] } }
        }
    }

    /// Mean and 1/√(var + ε) of one row, accumulated in Float with a two-pass variance.
    @inlinable @inline(__always)
    static func rowStatistics(_ row: UnsafePointer<Float>, _ length: Int, _ epsilon: Float) -> (Float, Float) {
        let mean = VectorReductions.sum(row, length) / Float(length)
        let squares = VectorReductions.sumOfSquaredDeviations(row, length, from: mean)
        return (mean, 1 / (squares / Float(length) + epsilon).squareRoot())
    }

    /// Per-row mean and 1/√(var + ε) over the last axis, as `[rows]` tensors (for backward rules).
    public func layerNormStatistics(epsilon: Float = 1e-5) -> (mean: Tensor, inverseDeviation: Tensor) {
        let length = shape.last ?? 1
        let rows = count / Swift.max(length, 1)
        var means = [Float](repeating: 0, count: rows), inverses = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            (means[row], inverses[row]) = Tensor.rowStatistics(pointer + row * length, length, epsilon)
        }
        return (Tensor(shape: [rows], scalars: means), Tensor(shape: [rows], scalars: inverses))
    }

    /// Batch normalisation with running statistics (inference; Ioffe & Szegedy 2015) over axis 1 of
    /// `[batch, channels, …]`: y = (x − runningMean)/√(runningVar + ε)·weight + bias.
    public func batchNorm(runningMean: Tensor, runningVariance: Tensor, weight: Tensor?, bias: Tensor?,
                          epsilon: Float = 1e-5) -> Tensor {
        let (scale, shift) = Tensor.batchNormAffine(runningMean: runningMean, runningVariance: runningVariance,
                                                    weight: weight, bias: bias, epsilon: epsilon)
        return channelAffine(scale: scale, shift: shift)
    }

    /// The per-channel (scale, shift) that inference batch normalisation applies.
    public static func batchNormAffine(runningMean: Tensor, runningVariance: Tensor, weight: Tensor?, bias: Tensor?,
                                       epsilon: Float) -> (scale: [Float], shift: [Float]) {
        let channels = runningMean.count
        precondition(runningVariance.count == channels, "BatchNorm statistics have different sizes")
        var scale = [Float](repeating: 1, count: channels), shift = [Float](repeating: 0, count: channels)
        for channel in 0..<channels {
            let inverse = 1 / (runningVariance.pointer[channel] + epsilon).squareRoot()
            let gamma = weight?.pointer[channel] ?? 1
            scale[channel] = gamma * inverse
            shift[channel] = (bias?.pointer[channel] ?? 0) - runningMean.pointer[channel] * gamma * inverse
        }
        return (scale, shift)
    }

    /// y[n, c, …] = x[n, c, …]·scale[c] + shift[c].
    public func channelAffine(scale: [Float], shift: [Float]) -> Tensor {
        channelAffine(scale: scale, shift: shift, rectified: false)
    }

    /// y = x·scale[c] + shift[c] per channel c of axis 1, followed by max(y, 0) when `rectified`
    /// (batch normalisation and its ReLU in one pass).
    public func channelAffine(scale: [Float], shift: [Float], rectified: Bool) -> Tensor {
        precondition(rank >= 2 && shape[1] == scale.count, "channel affine of \(shape) with \(scale.count) channels")
        let channels = shape[1], spatial = shape[2...].reduce(1, *), planes = shape[0] * channels
        let source = pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(planes, workPerItem: spatial) { range in
                for plane in range {
                    let a = scale[plane % channels], b = shift[plane % channels]
                    let input = source + plane * spatial, result = destination + plane * spatial
                    if rectified {
                        for index in 0..<spatial { result[index] = Swift.max(input[index] * a + b, 0) }
                    } else {
                        for index in 0..<spatial { result[index] = input[index] * a + b }
                    }
                }
            }
        }
    }
}
