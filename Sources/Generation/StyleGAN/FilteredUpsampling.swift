import Autograd
import NN
import Tensor

/// 2× upsampling of StyleGAN2's skip images (Karras et al. 2020, Fig. 7b; rosinality's
/// `Upsample`): zero insertion and the binomial low-pass filter with gain 4, padding
/// (k − 2 + 1)/2 + 1 before and (k − 2)/2 after, so `[b, c, h, w]` → `[b, c, 2h, 2w]`.
/// Its kernel buffer is `kernel` `[k, k]`.
public struct FilteredUpsampling: Module {
    public let before: Int
    public let after: Int
    @Key("kernel") public var kernel: Parameter

    public init(taps: [Float] = FIRFilter.binomialTaps) {
        let factor = 2
        let excess = taps.count - factor
        before = (excess + 1) / 2 + factor - 1
        after = excess / 2
        kernel = Parameter(buffer: FIRFilter.kernel(taps: taps, gain: Float(factor * factor)))
    }

    /// `[batch, channels, h, w]` → `[batch, channels, 2h, 2w]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        FIRFilter.apply(input, kernel: kernel.value, up: 2, before: before, after: after)
    }
}
