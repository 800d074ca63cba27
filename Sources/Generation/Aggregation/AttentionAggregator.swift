import Autograd
import NN
import Tensor

/// The trainable aggregation of the seed paper's IP-Adapter + Self-Attention (§3.5, Fig. 4): the
/// reference embeddings attend to each other before being pooled into one image embedding,
///
///     H = E + Attn(LN(E))          one pre-norm multi-head self-attention block over the images
///     G(E) = (1/n)·Σᵢ Hᵢ           E: [batch, images, width]
///
/// The output projection starts at zero, so an untrained aggregator is the mean and training
/// moves it from there. Parameter names `norm`, `attention.in_proj_weight`, `attention.in_proj_bias`,
/// `attention.out_proj` (PyTorch `nn.MultiheadAttention`'s layout).
public struct AttentionAggregator: Module {
    public let width: Int
    @Key("norm") public var norm: LayerNorm
    @Key("attention") public var attention: Attention

    /// An aggregator for `width`-wide embeddings with `heads` heads, input projection initialised
    /// as PyTorch does (Xavier-uniform), output projection zero.
    public init(width: Int, heads: Int, generator: inout SeededGenerator) {
        self.width = width
        norm = LayerNorm(width: width)
        attention = Attention(width: width, heads: heads, layout: .multiheadAttention)
        let bound = (6 / Float(width + 3 * width)).squareRoot()
        attention.packedWeight!.value = Tensor.randomUniform([3 * width, width], lower: -bound, upper: bound, generator: &generator)
    }

    /// Embeddings `[batch, images, width]` → one embedding per sample `[batch, width]`.
    public func callAsFunction(_ embeddings: Variable) -> Variable {
        precondition(embeddings.shape.count == 3 && embeddings.shape[2] == width,
                     "the aggregator expects [batch, images, \(width)], got \(embeddings.shape)")
        let attended = embeddings + attention(norm(embeddings))  // [batch, images, width]
        return attended.mean(alongAxis: 1)  // [batch, width]
    }
}
