import Autograd
import NN
import Tensor

/// The attention pooling head of OpenAI's modified ResNet (Radford et al. 2021, §2.4): one
/// multi-head attention step in which the mean of the feature map queries all positions,
///
///     z = [mean(x); x₁ … x_HW] + E_pos
///     y = c_proj(MultiHead(q_proj(z₀), k_proj(z), v_proj(z)))
///
/// Only the mean token's output is used, so only its query is computed (cross-attention from that
/// one row over every position). Parameter names: `positional_embedding` `[HW + 1, width]`,
/// `q_proj`, `k_proj`, `v_proj`, `c_proj` (`AttentionLayout.attentionPooling`).
public struct AttentionPooling: Module {
    @Key("positional_embedding") public var positionalEmbedding: Parameter
    @Key("") public var attention: Attention

    public init(gridSize: Int, width: Int, heads: Int, outputDimension: Int) {
        precondition(width % heads == 0, "width \(width) is not divisible by \(heads) heads")
        positionalEmbedding = Parameter(Tensor(zeros: [gridSize * gridSize + 1, width]))
        attention = Attention(width: width, heads: heads, layout: .attentionPooling, outputWidth: outputDimension)
    }

    public var heads: Int { attention.heads }

    /// Features `[batch, width, grid, grid]` → `[batch, outputDimension]`.
    public func callAsFunction(_ features: Variable) -> Variable {
        let (batch, width) = (features.shape[0], features.shape[1])
        let positions = features.shape[2] * features.shape[3]
        precondition(positions + 1 == positionalEmbedding.value.shape[0],
                     "attention pooling expects a grid of \(positionalEmbedding.value.shape[0] - 1) positions, got \(features.shape)")
        let grid = features.reshaped([batch, width, positions]).permuted([0, 2, 1])  // [batch, positions, width]
        let mean = grid.mean(alongAxis: 1, keepingDimension: true)  // [batch, 1, width]
        let tokens = Variable.concatenate([mean, grid], alongAxis: 1) + positionalEmbedding.variable  // [batch, positions + 1, width]
        let first = tokens.narrowed(alongAxis: 1, start: 0, length: 1)  // [batch, 1, width]
        let pooled = attention(first, context: tokens)  // [batch, 1, outputDimension]
        return pooled.reshaped([batch, pooled.shape[2]])  // [batch, outputDimension]
    }
}
