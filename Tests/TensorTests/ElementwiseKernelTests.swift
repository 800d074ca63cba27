import Foundation
@testable import Tensor
import Testing

/// The element-wise kernels on every path this CPU runs (`ElementwiseKernelPath.available`: the
/// AVX-512 C kernels and the portable Swift loops), against Double-precision references.
@Suite struct ElementwiseKernelTests {
    /// Units in the last place of `reference` rounded to Float (subnormal spacing below 2⁻¹²⁶).
    static func ulps(_ value: Float, _ reference: Double) -> Double {
        let spacing = Double(Float(reference).magnitude.ulp.isZero ? Float.leastNonzeroMagnitude : Float(reference).magnitude.ulp)
        return abs(Double(value) - reference) / max(spacing, Double(Float.leastNonzeroMagnitude))
    }

    static func normalCDF(_ x: Double) -> Double { 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) }
    static func normalDensity(_ x: Double) -> Double { Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }

    /// Every 1/1000 from −103 to 88.7 plus a ragged length (not a multiple of sixteen lanes).
    static let exponentGrid: Tensor = {
        let values = Array(stride(from: Float(-103), through: 88.7, by: 0.001)) + [0.5, -0.25, 1e-8]
        return Tensor(shape: [values.count], scalars: values)
    }()

    @Test(arguments: ElementwiseKernelPath.available)
    func expAgainstDouble(path: ElementwiseKernelPath) {
        let result = Self.exponentGrid.exp(path: path).scalars
        var worstUlps = 0.0, worstRelative = 0.0
        for (x, value) in zip(Self.exponentGrid.scalars, result) {
            let reference = Foundation.exp(Double(x))
            if x > 88.3 {
                // The portable FastMath.exp assembles 2¹²⁸ as +∞ from x ≈ 88.38 on (true overflow: 88.72);
                // the AVX-512 path is exact up to its top, checked here and in the special values below.
                if path == .avx512 && x <= 88.72 { #expect(value.isFinite && Self.ulps(value, reference) <= 1.5) }
                continue
            } else if reference >= 1e-37 {
                worstUlps = max(worstUlps, Self.ulps(value, reference))
                worstRelative = max(worstRelative, abs(Double(value) - reference) / reference)
            } else {
                // Near and below Float's subnormal range: absolutely close (the portable path flushes below e^−87.3 to 0).
                #expect(abs(Double(value) - reference) <= 2e-38, "exp(\(x)) = \(value), expected \(reference)")
            }
        }
        switch path {
        case .avx512: #expect(worstUlps <= 1.5, "avx512 exp worst \(worstUlps) ulp")  // measured 0.96 ulp
        case .portable: #expect(worstRelative <= 1e-6, "portable exp worst relative \(worstRelative)")
        }
        let special = Tensor(shape: [8], scalars: [-.infinity, .infinity, .nan, -200, 200, -1e30, 1e30, 0]).exp(path: path).scalars
        #expect(special[0] == 0 && special[1] == .infinity && special[2].isNaN)
        #expect(special[3] == 0 && special[4] == .infinity && special[5] == 0 && special[6] == .infinity && special[7] == 1)
    }

    /// Rows of every awkward length, one Double reference per row.
    @Test(arguments: ElementwiseKernelPath.available)
    func softmaxAgainstDouble(path: ElementwiseKernelPath) {
        var generator = SeededGenerator(seed: 7)
        var worstRelative = 0.0
        for length in [1, 2, 3, 15, 16, 17, 31, 33, 50, 63, 64, 65, 77, 128, 1000] {
            let rows = 37
            let input = Tensor.randomNormal([rows, length], standardDeviation: 6, generator: &generator)
            let result = input.softmax(path: path).scalars
            let values = input.scalars
            for row in 0..<rows {
                let slice = values[(row * length)..<((row + 1) * length)].map(Double.init)
                let maximum = slice.max()!
                let exponentials = slice.map { Foundation.exp($0 - maximum) }
                let total = exponentials.reduce(0, +)
                for column in 0..<length {
                    let reference = exponentials[column] / total
                    let value = Double(result[row * length + column])
                    // Float rounds xᵢ − max x to 2⁻²⁴ of its size, which eˣ turns into that much relative
                    // error: the bound is relative and grows with the distance d = max x − xᵢ.
                    let distance = maximum - slice[column]
                    if reference > 1e-35 {
                        worstRelative = max(worstRelative, abs(value - reference) / reference / (1 + distance))
                    }
                }
            }
        }
        // Measured 2.8e-7·(1 + d) (avx512) and 3.4e-7·(1 + d) (portable) (a few ulp: exp, the sum's rounding, one reciprocal).
        #expect(worstRelative <= 6e-7, "\(path) softmax worst relative error \(worstRelative)·(1 + d)")
    }

    @Test(arguments: ElementwiseKernelPath.available)
    func softmaxSpecialValues(path: ElementwiseKernelPath) {
        let inf = Float.infinity
        // Masked entries (−∞) get 0; a fully masked row is zeros; NaN or +∞ poison their row (as in PyTorch).
        let input = Tensor(shape: [5, 4], scalars: [1, -inf, 1, -inf,
                                                    -inf, -inf, -inf, -inf,
                                                    0, .nan, 0, 0,
                                                    inf, 0, 0, 0,
                                                    1e30, -1e30, 3e38, -3e38])
        let result = input.softmax(path: path).scalars
        #expect(Array(result[0..<4]) == [0.5, 0, 0.5, 0])
        #expect(Array(result[4..<8]) == [0, 0, 0, 0])
        #expect(result[8..<12].allSatisfy { $0.isNaN })
        #expect(result[12..<16].allSatisfy { $0.isNaN })
        #expect(Array(result[16..<20]) == [0, 0, 1, 0])
        #expect(Tensor(zeros: [0, 5]).softmax(path: path).shape == [0, 5])
    }

    @Test func softmaxPathsAgreeOnLargeTensors() {
        // Big enough to be split over threads at an odd row boundary.
        var generator = SeededGenerator(seed: 3)
        let input = Tensor.randomNormal([1201, 50], standardDeviation: 4, generator: &generator)
        let reference = input.softmax(path: .portable).scalars
        for path in ElementwiseKernelPath.available {
            let result = input.softmax(path: path).scalars
            let worst = zip(result, reference).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-6, "\(path) differs from the portable path by \(worst)")
        }
    }

    /// GELU and its derivative on [−10, 10] and a ragged length. Both erf approximations have an absolute
    /// error (A&S 7.1.26 ≤ 1.5e-7 on the portable path and in the slopes; the rational erf ≤ 3.6e-7 on the AVX-512
    /// forward), so the bound is absolute and grows with |x|: |gelu − x·Φ(x)| ≤ 2e-7·max(1, |x|) (measured 1.75e-7
    /// avx512, 1.81e-7 portable; PyTorch 2.15's vectorised GELU measures 3.5e-7 on the same scale); the slope's bound is
    /// 3e-7·max(1, |x|) (measured 2.3e-7 avx512, 2.5e-7 portable).
    @Test(arguments: ElementwiseKernelPath.available)
    func geluAgainstDouble(path: ElementwiseKernelPath) {
        let gridValues = Array(stride(from: Float(-10), through: 10, by: 0.0007))
        let grid = Tensor(shape: [gridValues.count], scalars: gridValues)
        let outputGradient = Tensor(repeating: 1, shape: grid.shape)
        let values = grid.gelu(path: path).scalars
        let slopes = Tensor.geluBackward(input: grid, outputGradient: outputGradient, path: path).scalars
        var worstValue = 0.0, worstSlope = 0.0
        for (index, x) in grid.scalars.enumerated() {
            let xd = Double(x), scale = max(1, abs(xd))
            worstValue = max(worstValue, abs(Double(values[index]) - xd * Self.normalCDF(xd)) / scale)
            worstSlope = max(worstSlope, abs(Double(slopes[index]) - (Self.normalCDF(xd) + xd * Self.normalDensity(xd))) / scale)
        }
        #expect(worstValue <= 2e-7, "\(path) gelu worst scaled absolute error \(worstValue)")
        #expect(worstSlope <= 3e-7, "\(path) gelu slope worst scaled absolute error \(worstSlope)")

        // Positive inputs, where Φ ≥ ½, are relatively accurate too.
        for x: Float in [1e-6, 0.01, 0.5, 1, 3, 7] {
            let value = Tensor(shape: [1], scalars: [x]).gelu(path: path).scalars[0]
            let reference = Double(x) * Self.normalCDF(Double(x))
            #expect(abs(Double(value) - reference) / reference <= 4e-7, "gelu(\(x)) = \(value), expected \(reference)")
        }

        let special = Tensor(shape: [6], scalars: [.nan, 1e30, -1e30, -30, 30, 0]).gelu(path: path).scalars
        #expect(special[0].isNaN && special[1] == 1e30 && special[2] == 0 && special[3] == 0 && special[4] == 30 && special[5] == 0)
    }

    @Test func geluPathsAgreeOnRaggedLengths() {
        var generator = SeededGenerator(seed: 11)
        for count in Array(1...40) + [4097, 70_001] {
            let input = Tensor.randomNormal([count], standardDeviation: 3, generator: &generator)
            let gradient = Tensor.randomNormal([count], generator: &generator)
            let reference = input.gelu(path: .portable).scalars
            let referenceGradient = Tensor.geluBackward(input: input, outputGradient: gradient, path: .portable).scalars
            for path in ElementwiseKernelPath.available {
                let values = input.gelu(path: path).scalars
                let gradients = Tensor.geluBackward(input: input, outputGradient: gradient, path: path).scalars
                #expect(zip(values, reference).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }, "gelu, \(count) values, \(path)")
                #expect(zip(gradients, referenceGradient).allSatisfy { abs($0 - $1) <= 2e-6 * max(1, abs($1)) }, "gelu backward, \(count), \(path)")
            }
        }
    }
}
