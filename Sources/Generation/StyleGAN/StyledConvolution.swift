import Autograd
import NN
import Tensor

/// One layer of StyleGAN2's synthesis network (Karras et al. 2020, Fig. 2d): a modulated,
/// demodulated 3×3 convolution (optionally upsampling 2×), per-pixel noise with a learned strength,
/// and the fused bias + √2·LeakyReLU₀.₂:
///
///     y = √2 · LeakyReLU₀.₂(ModConv(x, A(w)) + strength·n + b).
///
/// rosinality's `StyledConv`: `conv.*`, `noise.weight`, `activate.bias`.
public struct StyledConvolution: Module {
    @Key("conv") public var convolution: ModulatedConvolution
    @Key("noise") public var noise: NoiseInjection
    @Key("activate") public var activation: BiasedLeakyReLU

    public init(inChannels: Int, outChannels: Int, kernelSize: Int = 3, styleDimension: Int, upsamples: Bool = false,
                taps: [Float] = FIRFilter.binomialTaps, generator: inout SeededGenerator) {
        convolution = ModulatedConvolution(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                                           styleDimension: styleDimension, upsamples: upsamples, taps: taps, generator: &generator)
        noise = NoiseInjection()
        activation = BiasedLeakyReLU(channels: outChannels)
    }

    /// `x` `[batch, in, h, w]`, `w` `[batch, style]`, `noise` `[batch or 1, 1, h′, w′]` → `[batch, out, h′, w′]`.
    public func callAsFunction(_ input: Variable, style: Variable, noise noiseValues: Tensor) -> Variable {
        activation(noise(convolution(input, style: style), noise: noiseValues))
    }
}
