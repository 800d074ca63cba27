import Autograd
import NN
import Tensor

/// StyleGAN2's residual discriminator (Karras et al. 2020, Fig. 7c, config E/F): a 1×1 "fromRGB"
/// convolution at `size`, `DiscriminatorResidualBlock`s halving the resolution down to 4×4, the
/// `MinibatchStandardDeviation` channel, a 3×3 convolution, and two `EqualizedLinear` layers to one
/// logit per image. rosinality's `Discriminator` names: `convs.0.*` (fromRGB), `convs.1…` (blocks),
/// `final_conv.*`, `final_linear.0/1.*`. It uses the generator's channel table.
public struct StyleGANDiscriminator: Module {
    public let configuration: StyleGANConfiguration
    @Key("convs") public var sequence: [any Module]
    @Key("final_conv") public var finalConvolution: DiscriminatorConvolution
    @Key("final_linear") public var finalLinear: [EqualizedLinear]

    public init(configuration: StyleGANConfiguration, generator: inout SeededGenerator) {
        self.configuration = configuration
        let channels = configuration.channels
        var sequence: [any Module] = [DiscriminatorConvolution(inChannels: configuration.imageChannels, outChannels: channels.last!,
                                                               kernelSize: 1, generator: &generator)]
        for (inChannels, outChannels) in zip(channels.reversed().dropLast(), channels.reversed().dropFirst()) {
            sequence.append(DiscriminatorResidualBlock(inChannels: inChannels, outChannels: outChannels, generator: &generator))
        }
        self.sequence = sequence
        finalConvolution = DiscriminatorConvolution(inChannels: channels[0] + 1, outChannels: channels[0], kernelSize: 3, generator: &generator)
        finalLinear = [EqualizedLinear(inFeatures: channels[0] * 16, outFeatures: channels[0], activates: true, generator: &generator),
                       EqualizedLinear(inFeatures: channels[0], outFeatures: 1, generator: &generator)]
    }

    /// Images `[batch, image_channels, size, size]` → logits `[batch, 1]`.
    public func callAsFunction(_ images: Variable) -> Variable {
        var features = (sequence[0] as! DiscriminatorConvolution)(images)  // [batch, c_size, size, size]
        for block in sequence.dropFirst() { features = (block as! DiscriminatorResidualBlock)(features) }  // [batch, c₀, 4, 4]
        features = finalConvolution(MinibatchStandardDeviation.appended(to: features))  // [batch, c₀, 4, 4]
        let flat = features.reshaped([images.shape[0], -1])  // [batch, c₀·16]
        return finalLinear[1](finalLinear[0](flat))  // [batch, 1]
    }
}
