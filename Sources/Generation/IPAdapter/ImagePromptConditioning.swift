import Autograd
import NN
import Tensor

/// An image prompt as the U-Net consumes it: the image tokens c_i `[batch, tokens, crossAttentionWidth]`,
/// the weight λ of the image term (the seed paper's Eq. 19, set at inference) and the adapter's
/// key/value projections of every cross-attention layer in diffusers' processor order. Each
/// cross-attention then computes Z = Attn(Q, K, V) + λ·Attn(Q, c_i·W′_kᵀ, c_i·W′_vᵀ).
public struct ImagePromptConditioning {
    public let tokens: Variable
    public let scale: Float
    public let layers: [IPAdapterAttentionLayer]

    public init(tokens: Variable, scale: Float, layers: [IPAdapterAttentionLayer]) {
        precondition(tokens.shape.count == 3, "image tokens must be [batch, tokens, width], got \(tokens.shape)")
        self.tokens = tokens
        self.scale = scale
        self.layers = layers
    }

    /// K′ and V′ of cross-attention layer `index`, weighted by λ.
    func keysAndValues(forLayer index: Int) -> AdditionalKeysAndValues {
        let layer = layers[index]
        return AdditionalKeysAndValues(keys: layer.keyProjection(tokens), values: layer.valueProjection(tokens), weight: scale)
    }
}
