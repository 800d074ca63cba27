import Autograd
import NN
import Tensor

/// A spatial transformer (Rombach et al. 2022; diffusers' `Transformer2DModel` on continuous
/// inputs): the feature map becomes a sequence of image tokens, passes transformer blocks that
/// attend to each other and to the conditioning context, and returns as a residual:
///
///     h = proj_in(GN(x))  → tokens [batch, height·width, inner]
///     h = blocks(h, c)
///     y = x + proj_out(h) → [batch, channels, height, width]
///
/// The projections are 1×1 convolutions (Stable Diffusion 1.x) or linear layers on the tokens
/// (`use_linear_projection`, Stable Diffusion 2.x); either is registered as `proj_in` / `proj_out`.
/// Parameter names `norm`, `proj_in`, `transformer_blocks.<i>`, `proj_out`.
public struct Transformer2DModel: Module {
    public let channels: Int
    @Key("norm") public var norm: GroupNorm
    @Key("proj_in") public var inputConvolution: Conv2d?
    @Key("proj_in") public var inputLinear: Linear?
    @Key("transformer_blocks") public var blocks: [BasicTransformerBlock]
    @Key("proj_out") public var outputConvolution: Conv2d?
    @Key("proj_out") public var outputLinear: Linear?

    /// - Parameter firstCrossAttentionIndex: the processor-order index of the first block's
    ///   cross-attention (the following blocks take the next ones).
    public init(channels: Int, heads: Int, layers: Int, contextWidth: Int, groups: Int, linearProjection: Bool,
                firstCrossAttentionIndex: Int) {
        self.channels = channels
        norm = GroupNorm(groups: groups, channels: channels, epsilon: 1e-6)
        inputConvolution = linearProjection ? nil : Conv2d(inChannels: channels, outChannels: channels, kernelSize: 1)
        inputLinear = linearProjection ? Linear(inFeatures: channels, outFeatures: channels) : nil
        blocks = (0..<layers).map { layer in
            BasicTransformerBlock(width: channels, heads: heads, contextWidth: contextWidth,
                                  crossAttentionIndex: firstCrossAttentionIndex + layer)
        }
        outputConvolution = linearProjection ? nil : Conv2d(inChannels: channels, outChannels: channels, kernelSize: 1)
        outputLinear = linearProjection ? Linear(inFeatures: channels, outFeatures: channels) : nil
    }

    /// `[batch, channels, height, width]` with context `[batch, contextTokens, contextWidth]` → the same shape.
    public func callAsFunction(_ input: Variable, context: Variable, imagePrompt: ImagePromptConditioning?) -> Variable {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        var hidden = norm(input)  // [batch, channels, height, width]
        if let inputConvolution { hidden = inputConvolution(hidden) }
        hidden = hidden.reshaped([batch, channels, height * width]).permuted([0, 2, 1])  // [batch, tokens, channels]
        if let inputLinear { hidden = inputLinear(hidden) }
        for block in blocks { hidden = block(hidden, context: context, imagePrompt: imagePrompt) }
        if let outputLinear { hidden = outputLinear(hidden) }
        hidden = hidden.permuted([0, 2, 1]).reshaped([batch, channels, height, width])  // [batch, channels, height, width]
        if let outputConvolution { hidden = outputConvolution(hidden) }
        return hidden + input
    }
}
