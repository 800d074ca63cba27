/// The per-output-pixel kernel weights of one resampling pass along one axis, computed as
/// Pillow's `precompute_coeffs` computes them, then quantised as its `normalize_coeffs_8bpc`.
///
/// For output index i of n over the input interval [start, end):
/// scale = (end - start) / n, filterScale = max(scale, 1), support = filter.support * filterScale,
/// centre = start + (i + 0.5) * scale; the window is input pixels
/// first = trunc(centre - support + 0.5) clamped to >= 0 up to last = trunc(centre + support + 0.5)
/// clamped to <= input size; weight j = filter((first + j - centre + 0.5) / filterScale),
/// normalised to sum 1. Fixed-point weights are round-half-away-from-zero(weight * 2^22).
///
/// Each output index's weights depend only on the index, so the coefficients of a range of
/// outputs (`outputs`) are those of the full size: a window of the output costs only its own
/// length, however long the full output would be.
struct ResamplingCoefficients {
    /// Fractional bits of the fixed-point weights: 32 - 8 (sample bits) - 2 (headroom for
    /// negative lobes and sums above one), as in Pillow.
    static let precisionBits = 22

    /// Weights per output pixel, the largest window length (2 * ceil(support) + 1).
    let kernelSize: Int
    /// The output indices these coefficients are for; entry k of the arrays is output
    /// `outputs.lowerBound + k`.
    let outputs: Range<Int>
    /// First input index of each output pixel's window.
    let first: [Int]
    /// Window length of each output pixel.
    let count: [Int]
    /// Normalised weights, `kernelSize` per output pixel (zero past `count`).
    let weights: [Double]
    /// `weights` in 2^22 fixed point.
    let fixedWeights: [Int32]

    /// `start` and `end` are single precision as in Pillow, whose resampling box is `float[4]`.
    /// `outputs` (default: all of them) selects the output indices to compute.
    init(inputSize: Int, start: Float, end: Float, outputSize: Int, outputs: Range<Int>? = nil,
         filter: ResamplingFilter) {
        precondition(outputSize > 0, "resampling needs a positive output size, got \(outputSize)")
        let outputs = outputs ?? 0..<outputSize
        precondition(!outputs.isEmpty && outputs.lowerBound >= 0 && outputs.upperBound <= outputSize,
                     "output range \(outputs) must be a non-empty part of 0..<\(outputSize)")
        let scale = Double(end - start) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1 / filterScale

        var first = [Int](repeating: 0, count: outputs.count)
        var count = [Int](repeating: 0, count: outputs.count)
        var weights = [Double](repeating: 0, count: outputs.count * kernelSize)
        for output in outputs {
            let entry = output - outputs.lowerBound
            let centre = Double(start) + (Double(output) + 0.5) * scale
            let windowStart = max(Int(centre - support + 0.5), 0)
            let windowEnd = min(Int(centre + support + 0.5), inputSize)
            let length = min(max(windowEnd - windowStart, 0), kernelSize)
            var total = 0.0
            let base = entry * kernelSize
            for tap in 0..<length {
                let weight = filter.weight((Double(tap + windowStart) - centre + 0.5) * inverseFilterScale)
                weights[base + tap] = weight
                total += weight
            }
            if total != 0 {
                for tap in 0..<length { weights[base + tap] /= total }
            }
            first[entry] = windowStart
            count[entry] = length
        }

        let one = Double(1 << Self.precisionBits)
        self.kernelSize = kernelSize
        self.outputs = outputs
        self.first = first
        self.count = count
        self.weights = weights
        self.fixedWeights = weights.map { weight in
            Int32(weight < 0 ? -0.5 + weight * one : 0.5 + weight * one)
        }
    }

    /// The input indices some output's window reads: from the first window's start to the last
    /// window's end (windows move monotonically with the output index).
    var inputRange: Range<Int> {
        first[0]..<(first[first.count - 1] + count[count.count - 1])
    }
}
