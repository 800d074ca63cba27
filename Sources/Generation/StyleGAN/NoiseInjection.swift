import Autograd
import NN
import Tensor

/// StyleGAN's per-layer noise input (Karras et al. 2019, §2 and Fig. 1b "B"): single-channel
/// Gaussian noise, scaled by a learned strength (one scalar per layer in rosinality's
/// `NoiseInjection`, `weight` `[1]`, initialised to 0), added to every feature map:
/// y = x + strength · n,  n ∈ R^{batch×1×h×w}.
public struct NoiseInjection: Module {
    @Key("weight") public var strength: Parameter

    public init() {
        strength = Parameter(Tensor(zeros: [1]))
    }

    /// `x` `[batch, channels, h, w]`, `noise` `[batch or 1, 1, h, w]` → `[batch, channels, h, w]`.
    public func callAsFunction(_ input: Variable, noise: Tensor) -> Variable {
        input + strength.variable.reshaped([1, 1, 1, 1]) * Variable(noise)
    }
}
