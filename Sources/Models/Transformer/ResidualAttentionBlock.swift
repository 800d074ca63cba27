import Autograd
import NN
import Tensor

/// The pre-LayerNorm transformer block of CLIP (Radford et al. 2021; the GPT-2 arrangement of
/// Vaswani et al. 2017):
///
///     x ← x + Attn(LN₁(x))
///     x ← x + c_proj(act(c_fc(LN₂(x))))
///
/// Parameters carry OpenAI's and OpenCLIP's names: `ln_1`, `attn.in_proj_weight`,
/// `attn.in_proj_bias`, `attn.out_proj`, `ln_2`, `mlp.c_fc`, `mlp.c_proj`.
public struct ResidualAttentionBlock: Module {
    @Key("ln_1") public var attentionNorm: LayerNorm
    @Key("attn") public var attention: Attention
    @Key("ln_2") public var mlpNorm: LayerNorm
    @Key("mlp") public var mlp: MLP

    /// The position-wise feed-forward network c_proj(act(c_fc(x))).
    public struct MLP: Module {
        public let activation: Activation
        @Key("c_fc") public var expansion: Linear
        @Key("c_proj") public var contraction: Linear

        public init(width: Int, hiddenWidth: Int, activation: Activation) {
            self.activation = activation
            expansion = Linear(inFeatures: width, outFeatures: hiddenWidth)
            contraction = Linear(inFeatures: hiddenWidth, outFeatures: width)
        }

        /// `[…, width]` → `[…, width]`.
        public func callAsFunction(_ input: Variable) -> Variable {
            contraction(activation(expansion(input)))  // [..., hiddenWidth] inside
        }
    }

    public init(width: Int, heads: Int, mlpWidth: Int, activation: Activation, layerNormEpsilon: Float = 1e-5) {
        attentionNorm = LayerNorm(width: width, epsilon: layerNormEpsilon)
        attention = Attention(width: width, heads: heads, layout: .multiheadAttention)
        mlpNorm = LayerNorm(width: width, epsilon: layerNormEpsilon)
        mlp = MLP(width: width, hiddenWidth: mlpWidth, activation: activation)
    }

    /// `[batch, tokens, width]` → `[batch, tokens, width]`; `mask` is additive, broadcastable to
    /// `[batch, heads, tokens, tokens]`.
    public func callAsFunction(_ input: Variable, mask: Tensor? = nil) -> Variable {
        let attended = input + attention(attentionNorm(input), mask: mask)  // [batch, tokens, width]
        return attended + mlp(mlpNorm(attended))  // [batch, tokens, width]
    }

    /// The block's output at one token per sequence, position `rows[b]` of sequence b:
    /// `[batch, width]`, equal to those rows of `callAsFunction(_:mask:)`. Keys and values still
    /// come from every token; the queries, the output projection and the MLP run on the kept rows
    /// only, which is all a pooled last block needs.
    public func callAsFunction(_ input: Variable, mask: Tensor? = nil, keepingRows rows: [Int]) -> Variable {
        let (batch, tokens, width) = (input.shape[0], input.shape[1], input.shape[2])
        precondition(rows.count == batch && rows.allSatisfy { $0 >= 0 && $0 < tokens },
                     "need one row in 0..<\(tokens) per sequence, got \(rows) for a batch of \(batch)")
        let flatRows = rows.enumerated().map { $0.offset * tokens + $0.element }
        let kept = Variable.gather(rowsOf: input.reshaped([batch * tokens, width]), indices: flatRows)  // [batch, width]
        let keyMask = selectedQueryKeyMask(mask, rows: rows, tokens: tokens)?.reshaped([batch, 1, 1, tokens])
        let attended = kept + attention(attentionNorm(kept).reshaped([batch, 1, width]), context: attentionNorm(input),
                                        mask: keyMask).reshaped([batch, width])  // [batch, width]
        return attended + mlp(mlpNorm(attended))  // [batch, width]
    }
}
