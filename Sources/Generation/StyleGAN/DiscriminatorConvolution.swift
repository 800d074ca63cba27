import Autograd
import NN
import Tensor

/// One convolution of StyleGAN2's discriminator (rosinality's `ConvLayer`, an `nn.Sequential`):
/// optionally a `Blur` then a stride-2 convolution (downsampling, Karras et al. 2020 App. B),
/// an `EqualizedConvolution`, and optionally the fused bias + √2·LeakyReLU₀.₂. Keys follow the
/// sequence's positions: without downsampling `0.weight`, `1.bias`; with it `0.kernel`,
/// `1.weight`, `2.bias`.
public struct DiscriminatorConvolution: Module {
    public let activates: Bool
    @Key("0") public var blur: Blur?
    @Key("0") public var convolution: EqualizedConvolution
    @Key("1") public var activation: BiasedLeakyReLU?

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, downsamples: Bool = false, activates: Bool = true,
                bias: Bool = true, taps: [Float] = FIRFilter.binomialTaps, generator: inout SeededGenerator) {
        self.activates = activates
        if downsamples {
            let excess = (taps.count - 2) + (kernelSize - 1)
            _blur = Key(wrappedValue: Blur(taps: taps, before: (excess + 1) / 2, after: excess / 2), "0")
            _convolution = Key(wrappedValue: EqualizedConvolution(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                                                                  stride: 2, bias: bias && !activates, generator: &generator), "1")
        } else {
            _blur = Key(wrappedValue: nil, "blur")
            _convolution = Key(wrappedValue: EqualizedConvolution(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                                                                  padding: kernelSize / 2, bias: bias && !activates,
                                                                  generator: &generator), "0")
        }
        _activation = Key(wrappedValue: activates && bias ? BiasedLeakyReLU(channels: outChannels) : nil, downsamples ? "2" : "1")
    }

    /// `[batch, in, h, w]` → `[batch, out, h, w]` (`h/2, w/2` when downsampling).
    public func callAsFunction(_ input: Variable) -> Variable {
        var output = blur.map { $0(input) } ?? input
        output = convolution(output)
        if let activation { return activation(output) }
        return activates ? BiasedLeakyReLU.apply(output, bias: nil) : output
    }
}
