import Autograd
import NN
import Tensor

/// StyleGAN2's skip-architecture output layer (Karras et al. 2020, Fig. 7b, "tRGB"): a modulated 1×1
/// convolution without demodulation to the image channels plus a bias, added to the previous
/// resolution's image upsampled 2× by the binomial filter:
///
///     img_r = ModConv₁ₓ₁(x_r, A(w)) + b + Up(img_{r/2}).
///
/// rosinality's `ToRGB`: `conv.*`, `bias` `[1, channels, 1, 1]`, `upsample.kernel`.
public struct ToRGB: Module {
    @Key("conv") public var convolution: ModulatedConvolution
    @Key("bias") public var bias: Parameter
    @Key("upsample") public var upsampling: FilteredUpsampling?

    public init(inChannels: Int, imageChannels: Int = 3, styleDimension: Int, upsamplesSkip: Bool = true,
                taps: [Float] = FIRFilter.binomialTaps, generator: inout SeededGenerator) {
        convolution = ModulatedConvolution(inChannels: inChannels, outChannels: imageChannels, kernelSize: 1,
                                           styleDimension: styleDimension, demodulates: false, generator: &generator)
        bias = Parameter(Tensor(zeros: [1, imageChannels, 1, 1]))
        upsampling = upsamplesSkip ? FilteredUpsampling(taps: taps) : nil
    }

    /// `x` `[batch, in, h, w]`, `w` `[batch, style]`, skip `[batch, channels, h/2, w/2]` → `[batch, channels, h, w]`.
    public func callAsFunction(_ input: Variable, style: Variable, skip: Variable?) -> Variable {
        let image = convolution(input, style: style) + bias.variable  // [batch, channels, h, w]
        guard let skip else { return image }
        guard let upsampling else { return image + skip }
        return image + upsampling(skip)
    }
}
