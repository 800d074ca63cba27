import Autograd
import Tensor
import Testing

/// Finite-difference gradient checking of a function of several tensors.
///
/// The loss is L = Σ f(x)·w with a fixed random w, so every output element matters. Analytic
/// gradients come from `backward()`; numeric ones from central differences
/// (L(x + ε) − L(x − ε)) / 2ε with L summed in Double. The reported error for each input is the
/// norm-wise relative error ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖).
enum GradientCheck {
    static func relativeErrors(_ inputs: [Tensor], epsilon: Float = 1e-2, seed: UInt64 = 7,
                               _ function: ([Variable]) -> Variable) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        let variables = inputs.map { Variable($0, requiresGradient: true) }
        let output = function(variables)
        let weights = Tensor.randomNormal(output.shape, generator: &generator)
        (output * Variable(weights)).sum().backward()

        func loss(_ tensors: [Tensor]) -> Double {
            GradientMode.withoutGradients {
                let value = function(tensors.map { Variable($0) }).value
                var total = 0.0
                for index in 0..<value.count { total += Double(value.pointer[index]) * Double(weights.pointer[index]) }
                return total
            }
        }

        return inputs.indices.map { inputIndex in
            let analytic = variables[inputIndex].gradient?.scalars ?? [Float](repeating: 0, count: inputs[inputIndex].count)
            var numeric = [Double](repeating: 0, count: analytic.count)
            for element in 0..<analytic.count {
                var shifted = inputs
                var plus = inputs[inputIndex].scalars, minus = plus
                plus[element] += epsilon
                minus[element] -= epsilon
                shifted[inputIndex] = Tensor(shape: inputs[inputIndex].shape, scalars: plus)
                let lossPlus = loss(shifted)
                shifted[inputIndex] = Tensor(shape: inputs[inputIndex].shape, scalars: minus)
                let lossMinus = loss(shifted)
                numeric[element] = (lossPlus - lossMinus) / (2 * Double(epsilon))
            }
            var difference = 0.0, analyticNorm = 0.0, numericNorm = 0.0
            for (a, n) in zip(analytic, numeric) {
                difference += (Double(a) - n) * (Double(a) - n)
                analyticNorm += Double(a) * Double(a)
                numericNorm += n * n
            }
            let scale = max(analyticNorm.squareRoot(), numericNorm.squareRoot(), 1e-12)
            return difference.squareRoot() / scale
        }
    }

    /// Random inputs of the given shapes.
    static func inputs(_ shapes: [[Int]], seed: UInt64 = 1, spread: Float = 1) -> [Tensor] {
        var generator = SeededGenerator(seed: seed)
        return shapes.map { Tensor.randomNormal($0, standardDeviation: spread, generator: &generator) }
    }

    /// Inputs whose magnitudes stay at least `margin` away from zero (for kinks such as ReLU).
    static func inputsAwayFromZero(_ shape: [Int], margin: Float, seed: UInt64 = 3) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.randomNormal(shape, generator: &generator).map { $0 < 0 ? $0 - margin : $0 + margin }
    }
}

/// Expects the norm-wise relative error (`GradientCheck.relativeErrors`) of every input's gradient
/// to be at most `tolerance`, 1e-3 for every backward rule.
func expectGradients(_ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Double = 1e-3,
                     sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Variable]) -> Variable) {
    for (index, error) in GradientCheck.relativeErrors(inputs, epsilon: epsilon, function).enumerated() {
        #expect(error <= tolerance, "input \(index): relative error \(error)", sourceLocation: sourceLocation)
    }
}
