import Foundation
import Tensor
import Testing

/// The vectorisable approximations against libm in Double on dense grids.
@Suite struct FastMathTests {
    @Test func expRelativeError() {
        var worst = 0.0
        for step in -8700...8800 {
            let x = Float(step) / 100
            let reference = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - reference) / reference)
        }
        #expect(worst <= 1e-6, "worst relative error \(worst)")
        #expect(FastMath.exp(-100) == 0 && FastMath.exp(-.infinity) == 0 && FastMath.exp(100) == .infinity)
    }

    @Test func erfAbsoluteError() {
        var worst = 0.0
        for step in -6000...6000 {
            let x = Float(step) / 1000
            worst = max(worst, abs(Double(FastMath.erf(x)) - Foundation.erf(Double(x))))
        }
        #expect(worst <= 5e-7, "worst absolute error \(worst)")
    }

    @Test func tanhAndSigmoidAbsoluteError() {
        var worstTanh = 0.0, worstSigmoid = 0.0
        for step in -2000...2000 {
            let x = Float(step) / 100
            worstTanh = max(worstTanh, abs(Double(FastMath.tanh(x)) - Foundation.tanh(Double(x))))
            worstSigmoid = max(worstSigmoid, abs(Double(FastMath.sigmoid(x)) - 1 / (1 + Foundation.exp(-Double(x)))))
        }
        #expect(worstTanh <= 3e-7, "tanh: \(worstTanh)")
        #expect(worstSigmoid <= 2e-7, "sigmoid: \(worstSigmoid)")
    }
}
