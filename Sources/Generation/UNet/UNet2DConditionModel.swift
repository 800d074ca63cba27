import Autograd
import NN
import Tensor

/// The conditional denoising U-Net of latent diffusion (Ronneberger et al. 2015; Rombach et al.
/// 2022, "High-Resolution Image Synthesis with Latent Diffusion Models"; diffusers'
/// `UNet2DConditionModel`): ε_θ(x_t, t, c) with
///
///     τ = TimestepEmbedding(t);   h = conv_in(x_t)
///     contracting path: per level, ResNet blocks (+ spatial transformers attending to c), stride-2
///                       downsampling; every intermediate map is kept as a skip
///     bottleneck:       ResNet, transformer, ResNet
///     expanding path:   per level, ResNet blocks on [h; skip] (+ transformers), ×2 upsampling
///     ε̂ = conv_out(SiLU(GN(h)))
///
/// Every parameter carries diffusers' name (`conv_in`, `time_embedding.linear_1`,
/// `down_blocks.<i>.resnets.<j>.conv1`, `down_blocks.<i>.attentions.<j>.transformer_blocks.<k>.attn2.to_k`,
/// `mid_block.…`, `up_blocks.…`, `conv_norm_out`, `conv_out`), so a `unet/` folder of a Stable
/// Diffusion 1.x checkpoint loads as is. The image prompt of an IP-Adapter, when given, adds its
/// decoupled term to every cross-attention (`ImagePromptConditioning`).
public struct UNet2DConditionModel: Module {
    public let configuration: UNet2DConditionConfiguration
    @Key("conv_in") public var inputConvolution: Conv2d
    @Key("time_embedding") public var timeEmbedding: TimestepEmbedding
    @Key("down_blocks") public var downBlocks: [UNetDownBlock]
    @Key("up_blocks") public var upBlocks: [UNetUpBlock]
    @Key("mid_block") public var midBlock: UNetMidBlock?
    @Key("conv_norm_out") public var outputNorm: GroupNorm
    @Key("conv_out") public var outputConvolution: Conv2d

    /// A U-Net of `configuration` with zero weights (load or initialise them next).
    public init(configuration: UNet2DConditionConfiguration) {
        let c = configuration
        self.configuration = c
        let widths = c.blockOutChannels, timeWidth = c.timeEmbeddingWidth
        func resnet(_ input: Int, _ output: Int) -> ResnetBlock2D {
            ResnetBlock2D(inChannels: input, outChannels: output, timeEmbeddingWidth: timeWidth, groups: c.normGroups,
                          epsilon: c.normEpsilon, dropout: c.dropout, outputScaleFactor: c.resnetOutputScaleFactor)
        }
        // Cross-attention layers are numbered in diffusers' processor order: down, up, mid.
        var crossAttentionIndex = 0
        func transformer(_ channels: Int, heads: Int, layers: Int) -> Transformer2DModel {
            defer { crossAttentionIndex += layers }
            return Transformer2DModel(channels: channels, heads: heads, layers: layers, contextWidth: c.crossAttentionDimension,
                                      groups: c.normGroups, linearProjection: c.useLinearProjection,
                                      firstCrossAttentionIndex: crossAttentionIndex)
        }
        inputConvolution = Conv2d(inChannels: c.inChannels, outChannels: widths[0], kernelSize: c.convolutionInKernel,
                                  padding: (c.convolutionInKernel - 1) / 2)
        timeEmbedding = TimestepEmbedding(sinusoidWidth: widths[0], embeddingWidth: timeWidth, flipSinToCos: c.flipSinToCos,
                                          frequencyShift: c.frequencyShift)
        var down: [UNetDownBlock] = []
        var output = widths[0]
        for level in 0..<c.blockCount {
            let input = output
            output = widths[level]
            let resnets = (0..<c.layersPerBlock[level]).map { resnet($0 == 0 ? input : output, output) }
            let attentions = c.hasCrossAttention(downBlock: level)
                ? (0..<c.layersPerBlock[level]).map { _ in
                    transformer(output, heads: c.attentionHeads[level], layers: c.transformerLayersPerBlock[level])
                } : nil
            let last = level == c.blockCount - 1
            down.append(UNetDownBlock(resnets: resnets, attentions: attentions,
                                      downsampler: last ? nil : Downsample2D(channels: output, padding: c.downsamplePadding)))
        }
        downBlocks = down
        var up: [UNetUpBlock] = []
        let reversedWidths = Array(widths.reversed())
        let reversedLayers = Array(c.layersPerBlock.reversed()), reversedHeads = Array(c.attentionHeads.reversed())
        let reversedTransformerLayers = Array(c.transformerLayersPerBlock.reversed())
        output = reversedWidths[0]
        for level in 0..<c.blockCount {
            let previous = output
            output = reversedWidths[level]
            let input = reversedWidths[min(level + 1, c.blockCount - 1)]
            let count = reversedLayers[level] + 1
            let resnets = (0..<count).map { index in
                resnet((index == 0 ? previous : output) + (index == count - 1 ? input : output), output)
            }
            let attentions = c.hasCrossAttention(upBlock: level)
                ? (0..<count).map { _ in transformer(output, heads: reversedHeads[level], layers: reversedTransformerLayers[level]) }
                : nil
            let last = level == c.blockCount - 1
            up.append(UNetUpBlock(resnets: resnets, attentions: attentions, upsampler: last ? nil : Upsample2D(channels: output)))
        }
        upBlocks = up
        let bottleneck = widths[c.blockCount - 1]
        midBlock = c.midBlockType == nil ? nil : UNetMidBlock(
            resnets: [resnet(bottleneck, bottleneck), resnet(bottleneck, bottleneck)],
            attentions: [transformer(bottleneck, heads: c.attentionHeads[c.blockCount - 1],
                                     layers: c.transformerLayersPerBlock[c.blockCount - 1])])
        outputNorm = GroupNorm(groups: c.normGroups, channels: widths[0], epsilon: c.normEpsilon)
        outputConvolution = Conv2d(inChannels: widths[0], outChannels: c.outChannels, kernelSize: c.convolutionOutKernel,
                                   padding: (c.convolutionOutKernel - 1) / 2)
    }

    /// The number of cross-attention layers (where an IP-Adapter adds its image term).
    public var crossAttentionCount: Int {
        let transformers = downBlocks.flatMap { $0.attentions ?? [] } + upBlocks.flatMap { $0.attentions ?? [] }
            + (midBlock?.attentions ?? [])
        return transformers.reduce(0) { $0 + $1.blocks.count }
    }

    /// The output width of each cross-attention layer, in diffusers' processor order (down, up, mid).
    public var crossAttentionWidths: [Int] {
        let transformers = downBlocks.flatMap { $0.attentions ?? [] } + upBlocks.flatMap { $0.attentions ?? [] }
            + (midBlock?.attentions ?? [])
        return transformers.flatMap { transformer in transformer.blocks.map { _ in transformer.channels } }
    }

    /// ε̂ (or v̂, x̂₀) for noisy samples `[batch, inChannels, height, width]` at one timestep per
    /// sample, conditioned on `context` `[batch, tokens, crossAttentionDimension]` and optionally an
    /// image prompt → `[batch, outChannels, height, width]`. Height and width must be multiples of
    /// 2^(levels − 1).
    public func callAsFunction(_ sample: Variable, timesteps: [Float], context: Variable,
                               imagePrompt: ImagePromptConditioning? = nil) -> Variable {
        let batch = sample.shape[0], levels = configuration.blockCount
        precondition(sample.shape.count == 4 && sample.shape[1] == configuration.inChannels,
                     "the U-Net expects samples [batch, \(configuration.inChannels), height, width], got \(sample.shape)")
        precondition(sample.shape[2] % (1 << (levels - 1)) == 0 && sample.shape[3] % (1 << (levels - 1)) == 0,
                     "sample height and width must be multiples of \(1 << (levels - 1)), got \(sample.shape)")
        precondition(timesteps.count == batch, "one timestep per sample: \(timesteps.count) for a batch of \(batch)")
        precondition(context.shape.count == 3 && context.shape[0] == batch && context.shape[2] == configuration.crossAttentionDimension,
                     "the context must be [\(batch), tokens, \(configuration.crossAttentionDimension)], got \(context.shape)")
        if let imagePrompt {
            precondition(imagePrompt.layers.count == crossAttentionCount,
                         "the image prompt has \(imagePrompt.layers.count) layers for \(crossAttentionCount) cross-attentions")
        }
        let activatedTime = timeEmbedding(timesteps).silu()  // [batch, timeWidth]
        var hidden = inputConvolution(sample)  // [batch, width₀, height, width]
        var skips = [hidden]
        for block in downBlocks {
            let (output, blockSkips) = block(hidden, timeEmbedding: activatedTime, context: context, imagePrompt: imagePrompt)
            hidden = output
            skips += blockSkips
        }
        if let midBlock { hidden = midBlock(hidden, timeEmbedding: activatedTime, context: context, imagePrompt: imagePrompt) }
        for block in upBlocks {
            hidden = block(hidden, skips: &skips, timeEmbedding: activatedTime, context: context, imagePrompt: imagePrompt)
        }
        return outputConvolution(outputNorm(hidden).silu())  // [batch, outChannels, height, width]
    }
}
