import Autograd
import NN
import Tensor

/// The learned constant that starts StyleGAN's synthesis network instead of a latent input
/// (Karras et al. 2019, §2, "Const 4×4×512"): one `[1, channels, 4, 4]` tensor named `input`,
/// repeated for every sample.
public struct ConstantInput: Module {
    @Key("input") public var constant: Parameter

    public init(channels: Int, size: Int = 4, generator: inout SeededGenerator) {
        constant = Parameter(Tensor.randomNormal([1, channels, size, size], generator: &generator))
    }

    /// The constant for `batch` samples: `[batch, channels, 4, 4]`.
    public func callAsFunction(batch: Int) -> Variable {
        constant.variable * Variable(Tensor(repeating: 1, shape: [batch, 1, 1, 1]))
    }
}
