import Autograd
import NN
import Tensor

/// One resolution level of the U-Net's contracting path (diffusers' `CrossAttnDownBlock2D`, or
/// `DownBlock2D` without attentions): `layers` ResNet blocks, each followed by a spatial
/// transformer when the block has cross-attention, then an optional stride-2 downsampling. Every
/// layer's output (and the downsampled map) is kept as a skip connection for the expanding path.
/// Parameter names `resnets.<i>`, `attentions.<i>`, `downsamplers.0`.
public struct UNetDownBlock: Module {
    @Key("resnets") public var resnets: [ResnetBlock2D]
    @Key("attentions") public var attentions: [Transformer2DModel]?
    @Key("downsamplers") public var downsamplers: [Downsample2D]?

    public init(resnets: [ResnetBlock2D], attentions: [Transformer2DModel]?, downsampler: Downsample2D?) {
        precondition(attentions.map { $0.count == resnets.count } ?? true, "one attention per ResNet block")
        self.resnets = resnets
        self.attentions = attentions
        downsamplers = downsampler.map { [$0] }
    }

    /// The block's output and the skip connections it adds, in order.
    public func callAsFunction(_ input: Variable, timeEmbedding: Variable, context: Variable,
                               imagePrompt: ImagePromptConditioning?) -> (output: Variable, skips: [Variable]) {
        var hidden = input, skips: [Variable] = []
        for (index, resnet) in resnets.enumerated() {
            hidden = resnet(hidden, activatedTimeEmbedding: timeEmbedding)
            if let attentions { hidden = attentions[index](hidden, context: context, imagePrompt: imagePrompt) }
            skips.append(hidden)
        }
        if let downsampler = downsamplers?.first {
            hidden = downsampler(hidden)
            skips.append(hidden)
        }
        return (hidden, skips)
    }
}

/// The U-Net's bottleneck (diffusers' `UNetMidBlock2DCrossAttn`): ResNet, then (transformer,
/// ResNet) pairs. Parameter names `resnets.<i>`, `attentions.<i>`.
public struct UNetMidBlock: Module {
    @Key("attentions") public var attentions: [Transformer2DModel]
    @Key("resnets") public var resnets: [ResnetBlock2D]

    public init(resnets: [ResnetBlock2D], attentions: [Transformer2DModel]) {
        precondition(resnets.count == attentions.count + 1, "a mid block has one more ResNet block than attentions")
        self.attentions = attentions
        self.resnets = resnets
    }

    public func callAsFunction(_ input: Variable, timeEmbedding: Variable, context: Variable,
                               imagePrompt: ImagePromptConditioning?) -> Variable {
        var hidden = resnets[0](input, activatedTimeEmbedding: timeEmbedding)
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            hidden = attention(hidden, context: context, imagePrompt: imagePrompt)
            hidden = resnet(hidden, activatedTimeEmbedding: timeEmbedding)
        }
        return hidden
    }
}

/// One resolution level of the expanding path (diffusers' `CrossAttnUpBlock2D`, or `UpBlock2D`
/// without attentions): each ResNet block takes the running map concatenated along channels with
/// the most recent unused skip connection, optionally followed by a spatial transformer; then an
/// optional nearest ×2 upsampling with a convolution. Parameter names `resnets.<i>`,
/// `attentions.<i>`, `upsamplers.0`.
public struct UNetUpBlock: Module {
    @Key("resnets") public var resnets: [ResnetBlock2D]
    @Key("attentions") public var attentions: [Transformer2DModel]?
    @Key("upsamplers") public var upsamplers: [Upsample2D]?

    public init(resnets: [ResnetBlock2D], attentions: [Transformer2DModel]?, upsampler: Upsample2D?) {
        precondition(attentions.map { $0.count == resnets.count } ?? true, "one attention per ResNet block")
        self.resnets = resnets
        self.attentions = attentions
        upsamplers = upsampler.map { [$0] }
    }

    /// Consumes `resnets.count` skip connections from the end of `skips`.
    public func callAsFunction(_ input: Variable, skips: inout [Variable], timeEmbedding: Variable, context: Variable,
                               imagePrompt: ImagePromptConditioning?) -> Variable {
        var hidden = input
        for (index, resnet) in resnets.enumerated() {
            let skip = skips.removeLast()
            hidden = Variable.concatenate([hidden, skip], alongAxis: 1)  // [batch, channels + skip channels, height, width]
            hidden = resnet(hidden, activatedTimeEmbedding: timeEmbedding)
            if let attentions { hidden = attentions[index](hidden, context: context, imagePrompt: imagePrompt) }
        }
        if let upsampler = upsamplers?.first { hidden = upsampler(hidden) }
        return hidden
    }
}
