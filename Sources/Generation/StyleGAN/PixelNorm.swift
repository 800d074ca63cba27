import Autograd
import NN
import Tensor

/// Pixelwise feature normalisation (Karras et al. 2018, ProGAN §4.2), applied to z at the input of
/// StyleGAN's mapping network: x / √(mean_j x_j² + 10⁻⁸) over the feature axis. No parameters
/// (position 0 of rosinality's `style` sequence).
public struct PixelNorm: Module {
    public init() {}

    /// `[batch, features]` → the same shape, each row of unit root mean square.
    public func callAsFunction(_ input: Variable) -> Variable {
        input / ((input.squared().mean(alongAxis: 1, keepingDimension: true) + 1e-8).sqrt())  // [batch, features]
    }
}
