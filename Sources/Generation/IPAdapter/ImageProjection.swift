import Autograd
import NN
import Tensor

/// IP-Adapter's image projection (Ye et al. 2023, §3.2; the seed paper's "linear layer and layer
/// normalisation"): one image embedding becomes N context tokens for the cross-attention layers,
///
///     c_i = LN(reshape(e·Wᵀ + b, [N, crossAttentionWidth]))
///
/// Parameter names as in the released `ip-adapter_sd15.bin` (`proj`, `norm`; diffusers renames
/// `proj` to `image_embeds` in its `ImageProjection`).
public struct ImageProjection: Module {
    public let tokens: Int
    public let crossAttentionWidth: Int
    @Key("proj") public var projection: Linear
    @Key("norm") public var norm: LayerNorm

    public init(imageEmbeddingWidth: Int, crossAttentionWidth: Int, tokens: Int = 4) {
        precondition(tokens >= 1, "an image projection makes at least one token")
        self.tokens = tokens
        self.crossAttentionWidth = crossAttentionWidth
        projection = Linear(inFeatures: imageEmbeddingWidth, outFeatures: tokens * crossAttentionWidth)
        norm = LayerNorm(width: crossAttentionWidth)
    }

    public var imageEmbeddingWidth: Int { projection.inFeatures }

    /// Image embeddings `[batch, imageEmbeddingWidth]` → tokens `[batch, tokens, crossAttentionWidth]`.
    public func callAsFunction(_ embeddings: Variable) -> Variable {
        precondition(embeddings.shape.count == 2 && embeddings.shape[1] == imageEmbeddingWidth,
                     "image projection expects [batch, \(imageEmbeddingWidth)], got \(embeddings.shape)")
        let projected = projection(embeddings).reshaped([embeddings.shape[0], tokens, crossAttentionWidth])  // [batch, tokens, width]
        return norm(projected)  // [batch, tokens, width]
    }
}
