import Foundation
import Tensor

extension Variable {
    /// An elementwise function y = f(x) whose derivative is computed from x (and y).
    func elementwise(_ name: String, _ result: Tensor, derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Variable {
        let input = value
        return Variable(result, operation: name, inputs: [self]) { gradient in
            let slope = Tensor.zipWith(input, result, derivative)
            return [gradient * slope]
        }
    }

    public func exp() -> Variable { elementwise("exp", value.exp()) { _, y in y } }
    public func log() -> Variable { elementwise("log", value.log()) { x, _ in 1 / x } }
    public func sqrt() -> Variable { elementwise("sqrt", value.sqrt()) { _, y in 0.5 / y } }
    public func squared() -> Variable { elementwise("square", value.squared()) { x, _ in 2 * x } }
    public func tanh() -> Variable { elementwise("tanh", value.tanh()) { _, y in 1 - y * y } }
    public func sigmoid() -> Variable { elementwise("sigmoid", value.sigmoid()) { _, y in y * (1 - y) } }
    /// ∂x = ∂y where x > 0, else 0·∂y, in one pass (`Tensor.leakyReLUBackward` with slope 0).
    public func relu() -> Variable {
        let input = value
        return Variable(input.relu(), operation: "relu", inputs: [self]) { gradient in
            [Tensor.leakyReLUBackward(input: input, outputGradient: gradient, negativeSlope: 0)]
        }
    }
    public func relu6() -> Variable { elementwise("relu6", value.relu6()) { x, _ in x > 0 && x < 6 ? 1 : 0 } }

    /// softplus(x) = log(1 + eˣ), evaluated as max(x, 0) + log(1 + e^(−|x|)) so large |x| neither
    /// overflows nor loses the small tail; d/dx = σ(x). (The GAN logistic losses: −log σ(t) = softplus(−t).)
    public func softplus() -> Variable {
        elementwise("softplus", value.map { x in Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }) { x, _ in
            FastMath.sigmoid(x)
        }
    }

    /// Leaky ReLU (see `Tensor.leakyReLU`); ∂x = ∂y for x > 0, else a·∂y.
    public func leakyReLU(negativeSlope: Float) -> Variable {
        let input = value
        return Variable(input.leakyReLU(negativeSlope: negativeSlope), operation: "leakyReLU", inputs: [self]) { gradient in
            [Tensor.leakyReLUBackward(input: input, outputGradient: gradient, negativeSlope: negativeSlope)]
        }
    }

    /// d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x))), multiplied into ∂y in one pass.
    public func silu() -> Variable {
        let input = value
        return Variable(input.silu(), operation: "silu", inputs: [self]) { gradient in
            [Tensor.combining(input, gradient, ElementwiseFunctions.SiLUBackward.self)]
        }
    }

    /// d/dx x·Φ(x) = Φ(x) + x·φ(x).
    public func gelu() -> Variable {
        let input = value
        return Variable(input.gelu(), operation: "gelu", inputs: [self]) { gradient in
            [Tensor.geluBackward(input: input, outputGradient: gradient)]
        }
    }

    /// Derivative of the tanh approximation of GELU.
    public func geluTanh() -> Variable {
        elementwise("gelu(tanh)", value.geluTanh()) { x, _ in
            let inner = 0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)
            let t = FastMath.tanh(inner)
            let innerSlope = 0.797_884_560_802_865_4 * (1 + 3 * 0.044_715 * x * x)
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * innerSlope
        }
    }

    /// d/dx x·σ(1.702x) = σ(1.702x) + 1.702·x·σ(1.702x)(1 − σ(1.702x)).
    public func quickGELU() -> Variable {
        elementwise("quickGELU", value.quickGELU()) { x, _ in
            let s = FastMath.sigmoid(1.702 * x)
            return s + 1.702 * x * s * (1 - s)
        }
    }
}
