import NN
import Tensor

public enum GradientClipping {
    /// Scales all gradients together so their global L2 norm is at most `maximumNorm` (PyTorch's
    /// `clip_grad_norm_`); returns the norm before clipping.
    @discardableResult
    public static func clipGlobalNorm(_ parameters: [Parameter], maximumNorm: Float) -> Float {
        var total = 0.0
        for parameter in parameters {
            guard let gradient = parameter.gradient else { continue }
            gradient.withUnsafeBufferPointer { for value in $0 { total += Double(value) * Double(value) } }
        }
        let norm = Float(total.squareRoot())
        let scale = maximumNorm / (norm + 1e-6)
        if scale < 1 {
            for parameter in parameters {
                guard let gradient = parameter.gradient else { continue }
                parameter.setGradient(gradient * scale)
            }
        }
        return norm
    }

    /// Scales each parameter's gradient on its own so its L2 norm is at most `maximumNorm` (Keras's
    /// `clipnorm` optimiser argument, which the fashion notebook uses: g ← g·min(1, c/‖g‖)).
    /// Returns the largest norm before clipping.
    @discardableResult
    public static func clipNormPerTensor(_ parameters: [Parameter], maximumNorm: Float) -> Float {
        var largest: Float = 0
        for parameter in parameters {
            guard let gradient = parameter.gradient else { continue }
            var total = 0.0
            gradient.withUnsafeBufferPointer { for value in $0 { total += Double(value) * Double(value) } }
            let norm = Float(total.squareRoot())
            largest = max(largest, norm)
            if norm > maximumNorm { parameter.setGradient(gradient * (maximumNorm / norm)) }
        }
        return largest
    }
}
