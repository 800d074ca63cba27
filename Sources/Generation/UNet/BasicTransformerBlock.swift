import Autograd
import NN
import Tensor

/// The transformer block of Stable Diffusion's U-Net (Rombach et al. 2022; diffusers'
/// `BasicTransformerBlock` with layer norms):
///
///     x ← x + Attn₁(LN₁(x))                              self-attention over the image tokens
///     x ← x + Attn₂(LN₂(x), c_text) [+ λ·Attn(Q, K′, V′)]  cross-attention; the bracket is
///                                                        IP-Adapter's decoupled image term
///     x ← x + FF(LN₃(x))                                 GEGLU feed-forward
///
/// Parameter names `norm1`, `attn1`, `norm2`, `attn2`, `norm3`, `ff` (attention in diffusers'
/// layout: bias-free `to_q`, `to_k`, `to_v`, `to_out.0` with bias). `crossAttentionIndex` is this
/// block's place among the U-Net's cross-attention layers in diffusers' processor order (down,
/// up, mid blocks), which is how IP-Adapter files number their layers.
public struct BasicTransformerBlock: Module {
    public let crossAttentionIndex: Int
    @Key("norm1") public var selfAttentionNorm: LayerNorm
    @Key("attn1") public var selfAttention: Attention
    @Key("norm2") public var crossAttentionNorm: LayerNorm
    @Key("attn2") public var crossAttention: Attention
    @Key("norm3") public var feedForwardNorm: LayerNorm
    @Key("ff") public var feedForward: GEGLUFeedForward

    public init(width: Int, heads: Int, contextWidth: Int, crossAttentionIndex: Int) {
        precondition(width % heads == 0, "transformer width \(width) does not divide into \(heads) heads")
        self.crossAttentionIndex = crossAttentionIndex
        selfAttentionNorm = LayerNorm(width: width)
        selfAttention = Attention(width: width, heads: heads, layout: .diffusers)
        crossAttentionNorm = LayerNorm(width: width)
        crossAttention = Attention(width: width, heads: heads, layout: .diffusers, contextWidth: contextWidth)
        feedForwardNorm = LayerNorm(width: width)
        feedForward = GEGLUFeedForward(width: width)
    }

    /// Image tokens `[batch, tokens, width]`, text context `[batch, contextTokens, contextWidth]`
    /// → `[batch, tokens, width]`.
    public func callAsFunction(_ input: Variable, context: Variable, imagePrompt: ImagePromptConditioning?) -> Variable {
        var hidden = input + selfAttention(selfAttentionNorm(input), context: nil, additional: [])  // [batch, tokens, width]
        let additional = imagePrompt.map { [$0.keysAndValues(forLayer: crossAttentionIndex)] } ?? []
        hidden = hidden + crossAttention(crossAttentionNorm(hidden), context: context, additional: additional)
        return hidden + feedForward(feedForwardNorm(hidden))  // [batch, tokens, width]
    }
}
