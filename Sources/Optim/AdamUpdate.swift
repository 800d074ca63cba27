import Tensor

/// One Adam/AdamW update of one parameter in a single pass over its elements (Kingma & Ba 2015;
/// Loshchilov & Hutter 2019), element by element exactly as `Adam.step()` spells it with whole
/// tensors, rounding included:
///
///     g ← g + λθ                          (L2 mode)      θ ← θ·(1 − ηλ)   (decoupled mode)
///     m ← m·β₁ + g·(1 − β₁)               v ← v·β₂ + g²·(1 − β₂)
///     θ ← θ − m / (√(v·(1/c₂)) + ε) · (η/c₁)
///
/// The moments are updated in place (they belong to the optimiser alone); the new θ is written to a
/// fresh tensor because the old one may still be read by a tape. One read of θ, g, m, v and one
/// write of θ, m, v per element instead of a dozen whole-tensor temporaries.
struct AdamUpdate {
    let beta1: Float, beta2: Float, epsilon: Float
    /// η of this parameter (the group's scale applied).
    let learningRate: Float
    /// λ of this parameter; 0 for none.
    let weightDecay: Float
    let decoupled: Bool
    /// 1 − β₁ᵗ and 1 − β₂ᵗ.
    let correction1: Float, correction2: Float

    /// The updated value; `first` and `second` (same shape as `value`) are advanced in place.
    func apply(value: Tensor, gradient: Tensor, first: inout Tensor, second: inout Tensor) -> Tensor {
        precondition(value.shape == gradient.shape && first.shape == value.shape && second.shape == value.shape,
                     "Adam update shapes differ: value \(value.shape), gradient \(gradient.shape)")
        let count = value.count
        let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
        let keep1 = 1 - beta1, keep2 = 1 - beta2
        let decay = weightDecay, decayFactor = 1 - learningRate * weightDecay, decoupled = self.decoupled
        let stepSize = learningRate / correction1, inverseCorrection2 = 1 / correction2
        let values = value.pointer, gradients = gradient.pointer
        return first.withUnsafeMutableBufferPointer { firstBuffer in
            second.withUnsafeMutableBufferPointer { secondBuffer in
                let firsts = firstBuffer.baseAddress!, seconds = secondBuffer.baseAddress!
                return Tensor(shape: value.shape) { output in
                    let updated = output.baseAddress!
                    ThreadPolicy.parallelFor(count, workPerItem: 16) { range in
                        for index in range {
                            var theta = values[index], g = gradients[index]
                            if decay != 0 {
                                if decoupled { theta = theta * decayFactor } else { g = g + theta * decay }
                            }
                            let m = firsts[index] * beta1 + g * keep1
                            let v = seconds[index] * beta2 + (g * g) * keep2
                            firsts[index] = m
                            seconds[index] = v
                            let denominator = (v * inverseCorrection2).squareRoot() + epsilon
                            updated[index] = theta - m / denominator * stepSize
                        }
                    }
                }
            }
        }
    }
}
