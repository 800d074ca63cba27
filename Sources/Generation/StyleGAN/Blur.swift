import Autograd
import NN
import Tensor

/// The low-pass filter StyleGAN2 applies around every resolution change (Karras et al. 2020,
/// App. B; Zhang 2019 anti-aliasing): `FIRFilter` with up = 1 and padding (before, after). After
/// a transposed convolution its kernel carries the gain factor² (rosinality's `Blur(…,
/// upsample_factor=2)`). The kernel is a buffer named `kernel` `[k, k]`, as in rosinality's state dicts.
public struct Blur: Module {
    public let before: Int
    public let after: Int
    @Key("kernel") public var kernel: Parameter

    public init(taps: [Float] = FIRFilter.binomialTaps, before: Int, after: Int, upsamplingFactor: Int = 1) {
        self.before = before
        self.after = after
        kernel = Parameter(buffer: FIRFilter.kernel(taps: taps, gain: Float(upsamplingFactor * upsamplingFactor)))
    }

    /// `[batch, channels, h, w]` → `[batch, channels, h + before + after − k + 1, …]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        FIRFilter.apply(input, kernel: kernel.value, before: before, after: after)
    }
}
