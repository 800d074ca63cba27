import Autograd
import NN
import Tensor

/// A residual block of StyleGAN2's discriminator (Karras et al. 2020, Fig. 7c): two 3×3
/// convolutions, the second downsampling, beside a 1×1 downsampling skip without bias or
/// activation, summed and scaled to keep the variance:
///
///     y = (conv₂(conv₁(x)) + skip(x)) / √2.
///
/// rosinality's `ResBlock`: `conv1.*`, `conv2.*`, `skip.*`.
public struct DiscriminatorResidualBlock: Module {
    @Key("conv1") public var first: DiscriminatorConvolution
    @Key("conv2") public var second: DiscriminatorConvolution
    @Key("skip") public var skip: DiscriminatorConvolution

    public init(inChannels: Int, outChannels: Int, generator: inout SeededGenerator) {
        first = DiscriminatorConvolution(inChannels: inChannels, outChannels: inChannels, kernelSize: 3, generator: &generator)
        second = DiscriminatorConvolution(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, downsamples: true,
                                          generator: &generator)
        skip = DiscriminatorConvolution(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, downsamples: true,
                                        activates: false, bias: false, generator: &generator)
    }

    /// `[batch, in, h, w]` → `[batch, out, h/2, w/2]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        (second(first(input)) + skip(input)) * (1 / Float(2).squareRoot())
    }
}
