import Autograd
import NN
import Tensor

/// One LPIPS linear layer (`NetLinLayer`): a 1×1 convolution to one channel without bias, the
/// learned per-channel weights w_l of Zhang et al. 2018; key `model.1.weight` `[1, width, 1, 1]`
/// (index 0 is the training-time dropout, which has no weights).
public struct LPIPSLinearLayer: Module {
    @Key("model.1") public var convolution: Conv2d

    public init(width: Int) {
        convolution = Conv2d(inChannels: width, outChannels: 1, kernelSize: 1, bias: false)
    }

    /// `[batch, width, height, width]` → `[batch, 1, height, width]`.
    public func callAsFunction(_ input: Variable) -> Variable { convolution(input) }
}
