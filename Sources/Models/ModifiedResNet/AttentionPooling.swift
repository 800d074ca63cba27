import Autograd
import NN
import Tensor

/// The attention pooling head of OpenAI's modified ResNet (Radford et al. 2021, §2.4): one
/// multi-head attention step in which the mean of the feature map queries all positions,
///
///     z = [mean(x); x₁ … x_HW] + E_pos
///     y = c_proj(MultiHead(q_proj(z₀), k_proj(z), v_proj(z)))
///
/// Only the mean token's output is used, so only its query is computed. Parameter names:
/// `positional_embedding` `[HW + 1, width]`, `q_proj`, `k_proj`, `v_proj`, `c_proj`.
public struct AttentionPooling: ParameterGroup {
    public let positionalEmbedding: Parameter
    public let queryProjection: Linear
    public let keyProjection: Linear
    public let valueProjection: Linear
    public let outputProjection: Linear
    public let heads: Int

    public init(gridSize: Int, width: Int, heads: Int, outputDimension: Int) {
        precondition(width % heads == 0, "width \(width) is not divisible by \(heads) heads")
        positionalEmbedding = Parameter(Tensor(zeros: [gridSize * gridSize + 1, width]))
        queryProjection = Linear(inFeatures: width, outFeatures: width)
        keyProjection = Linear(inFeatures: width, outFeatures: width)
        valueProjection = Linear(inFeatures: width, outFeatures: width)
        outputProjection = Linear(inFeatures: width, outFeatures: outputDimension)
        self.heads = heads
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("positional_embedding", positionalEmbedding)] + nested("k_proj", keyProjection) + nested("q_proj", queryProjection)
            + nested("v_proj", valueProjection) + nested("c_proj", outputProjection)
    }

    /// Features `[batch, width, grid, grid]` → `[batch, outputDimension]`.
    public func callAsFunction(_ features: Variable) -> Variable {
        let (batch, width) = (features.shape[0], features.shape[1])
        let positions = features.shape[2] * features.shape[3]
        precondition(positions + 1 == positionalEmbedding.value.shape[0],
                     "attention pooling expects a grid of \(positionalEmbedding.value.shape[0] - 1) positions, got \(features.shape)")
        let headWidth = width / heads
        let grid = features.reshaped([batch, width, positions]).permuted([0, 2, 1])  // [batch, positions, width]
        let mean = grid.mean(alongAxis: 1, keepingDimension: true)  // [batch, 1, width]
        let tokens = Variable.concatenate([mean, grid], alongAxis: 1) + positionalEmbedding.variable  // [batch, positions + 1, width]
        let first = tokens.narrowed(alongAxis: 1, start: 0, length: 1)  // [batch, 1, width]
        func splitHeads(_ projected: Variable) -> Variable {
            let length = projected.shape[1]
            return projected.reshaped([batch, length, heads, headWidth]).permuted([0, 2, 1, 3])  // [batch, heads, length, headWidth]
        }
        let attended = Variable.scaledDotProductAttention(
            query: splitHeads(queryProjection(first)), key: splitHeads(keyProjection(tokens)), value: splitHeads(valueProjection(tokens)))  // [batch, heads, 1, headWidth]
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([batch, width])  // [batch, width]
        return outputProjection(merged)  // [batch, outputDimension]
    }
}
