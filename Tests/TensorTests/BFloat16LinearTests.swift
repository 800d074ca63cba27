import Tensor
import TestSupport
import Testing

/// `Tensor.linear` through bfloat16 weights against the same product computed in Double from the
/// bf16-rounded factors (the kernel's exact arithmetic up to float summation order), and against
/// the fp32 product within bf16's rounding. Shapes cover partial row tiles (1–13 rows), partial
/// 64-column blocks and an odd depth.
@Suite struct BFloat16LinearTests {
    /// bf16 rounding to nearest even, written out independently of the kernels.
    static func roundedToBFloat16(_ value: Float) -> Float {
        let bits = value.bitPattern
        let rounded = (bits &+ 0x7fff &+ ((bits >> 16) & 1)) & 0xffff_0000
        return Float(bitPattern: rounded)
    }

    @Test(arguments: [(1, 70, 33), (6, 64, 32), (7, 130, 65), (13, 200, 96), (50, 129, 768)])
    func matchesTheRoundedProduct(rows: Int, outFeatures: Int, inFeatures: Int) {
        var generator = SeededGenerator(seed: UInt64(rows * 1000 + outFeatures))
        let input = Tensor.randomNormal([rows, inFeatures], generator: &generator)
        let weight = Tensor.randomNormal([outFeatures, inFeatures], standardDeviation: 0.05, generator: &generator)
        let bias = Tensor.randomNormal([outFeatures], generator: &generator)
        let reduced = Tensor.linear(input, weight: BFloat16Weights(weight), bias: bias)
        #expect(reduced.shape == [rows, outFeatures])
        let (x, w, b) = (input.scalars, weight.scalars, bias.scalars)
        var worstRounded: Double = 0, worstFull: Double = 0
        for row in 0..<rows {
            for column in 0..<outFeatures {
                var rounded: Double = 0, full: Double = 0, magnitude: Double = 0
                for k in 0..<inFeatures {
                    let (a, c) = (x[row * inFeatures + k], w[column * inFeatures + k])
                    rounded += Double(Self.roundedToBFloat16(a)) * Double(Self.roundedToBFloat16(c))
                    full += Double(a) * Double(c)
                    magnitude += abs(Double(a) * Double(c))
                }
                let actual = Double(reduced.scalars[row * outFeatures + column])
                worstRounded = max(worstRounded, abs(actual - rounded - Double(b[column])) / (magnitude + 1e-12))
                worstFull = max(worstFull, abs(actual - full - Double(b[column])) / (magnitude + 1e-12))
            }
        }
        let supported = InferencePrecision.bf16.isSupported
        print("bf16 linear \(rows)×\(inFeatures)→\(outFeatures): vs rounded product \(worstRounded), vs fp32 \(worstFull) (AVX512_BF16: \(supported))")
        // Float summation of exact bf16 products: error ≤ depth · 2⁻²⁴ of Σ|products|.
        #expect(worstRounded <= Double(inFeatures) * 6e-8 + 1e-7)
        // Each factor carries ≤ 2⁻⁹ relative rounding error, so each product ≤ 2⁻⁸.
        #expect(worstFull <= 1.0 / 256)
    }

    @Test func leadingAxesAndAMissingBiasFollowFP32Linear() {
        var generator = SeededGenerator(seed: 9)
        let input = Tensor.randomNormal([2, 3, 48], generator: &generator)
        let weight = Tensor.randomNormal([20, 48], standardDeviation: 0.1, generator: &generator)
        let reduced = Tensor.linear(input, weight: BFloat16Weights(weight), bias: nil)
        let full = Tensor.linear(input, weight: weight, bias: nil)
        #expect(reduced.shape == [2, 3, 20])
        let measure = ParityMeasure(Tensor(shape: [6, 20], scalars: reduced.scalars), Tensor(shape: [6, 20], scalars: full.scalars))
        #expect(measure.minimumRowCosine >= 0.9999, "\(measure)")
    }

    /// int8: each factor is off by at most half its scale step (s_r = max|row|/127 for the input
    /// row, s_c = max|W[c]|/127 for the weight column), so
    /// |y − y_fp32| ≤ Σₖ |x_k|·s_c/2 + (|W_ck| + s_c/2)·s_r/2, the sum and s_r over the ordinary
    /// columns only: an outlier column (some |x| > 8·RMS of the input) is multiplied in fp32.
    @Test(arguments: [(1, 70, 33, false), (7, 130, 65, false), (13, 200, 96, false), (50, 129, 768, false), (9, 70, 100, true)])
    func int8StaysWithinTheQuantisationBound(rows: Int, outFeatures: Int, inFeatures: Int, withOutlier: Bool) {
        var generator = SeededGenerator(seed: UInt64(rows * 7 + inFeatures))
        var input = Tensor.randomNormal([rows, inFeatures], generator: &generator)
        let outlier = withOutlier ? 3 : -1
        if withOutlier {
            var values = input.scalars
            for row in 0..<rows { values[row * inFeatures + outlier] *= 40 }
            values[outlier] = 50
            input = Tensor(shape: [rows, inFeatures], scalars: values)
        }
        let weight = Tensor.randomNormal([outFeatures, inFeatures], standardDeviation: 0.05, generator: &generator)
        let bias = Tensor.randomNormal([outFeatures], generator: &generator)
        let reduced = Tensor.linear(input, weight: Int8Weights(weight), bias: bias)
        #expect(reduced.shape == [rows, outFeatures])
        let (x, w, b) = (input.scalars, weight.scalars, bias.scalars)
        var worstRatio: Double = 0
        for row in 0..<rows {
            let ordinary = (0..<inFeatures).filter { $0 != outlier }
            let rowStep = Double(ordinary.map { abs(x[row * inFeatures + $0]) }.max()!) / 127
            for column in 0..<outFeatures {
                let columnStep = Double(w[(column * inFeatures)..<((column + 1) * inFeatures)].map(abs).max()!) / 127
                var full: Double = 0, bound: Double = 1e-5
                for k in 0..<inFeatures {
                    let (a, c) = (Double(x[row * inFeatures + k]), Double(w[column * inFeatures + k]))
                    full += a * c
                    if k != outlier { bound += abs(a) * columnStep / 2 + (abs(c) + columnStep / 2) * rowStep / 2 }
                }
                let error = abs(Double(reduced.scalars[row * outFeatures + column]) - full - Double(b[column]))
                worstRatio = max(worstRatio, error / bound)
            }
        }
        print("int8 linear \(rows)×\(inFeatures)→\(outFeatures)\(withOutlier ? " with an outlier column" : ""): worst error / bound \(worstRatio) (AVX512_VNNI: \(InferencePrecision.int8.isSupported))")
        #expect(worstRatio <= 1)
    }
}
