import Autograd
import NN
import Tensor

/// Single-head self-attention over the pixels of a feature map with a residual (the attention of
/// the autoencoder's bottleneck; diffusers' `Attention` with `group_norm`, biased projections and
/// `residual_connection`):
///
///     h = GN(x) as tokens [batch, height·width, channels]
///     y = x + to_out(softmax(q·kᵀ/√c)·v)
///
/// Parameter names `group_norm`, `to_q`, `to_k`, `to_v`, `to_out.0`.
public struct SpatialSelfAttention: Module {
    public let channels: Int
    @Key("group_norm") public var norm: GroupNorm
    @Key("") public var attention: Attention

    public init(channels: Int, groups: Int, epsilon: Float = 1e-6) {
        self.channels = channels
        norm = GroupNorm(groups: groups, channels: channels, epsilon: epsilon)
        attention = Attention(width: channels, heads: 1,
                              layout: AttentionLayout(projections: .separate(query: "to_q", key: "to_k", value: "to_v"),
                                                      projectionBias: true, output: "to_out.0"))
    }

    /// `[batch, channels, height, width]` → the same shape.
    public func callAsFunction(_ input: Variable) -> Variable {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let tokens = norm(input).reshaped([batch, channels, height * width]).permuted([0, 2, 1])  // [batch, pixels, channels]
        let attended = attention(tokens, context: nil, additional: [])  // [batch, pixels, channels]
        return input + attended.permuted([0, 2, 1]).reshaped([batch, channels, height, width])
    }
}
