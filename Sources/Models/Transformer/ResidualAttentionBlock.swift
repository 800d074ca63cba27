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
public struct ResidualAttentionBlock: ParameterGroup {
    public let attentionNorm: LayerNorm
    public let attention: MultiheadAttention
    public let mlpNorm: LayerNorm
    public let mlp: MLP

    /// The position-wise feed-forward network c_proj(act(c_fc(x))).
    public struct MLP: ParameterGroup {
        public let expansion: Linear
        public let contraction: Linear
        public let activation: Activation

        public init(width: Int, hiddenWidth: Int, activation: Activation) {
            expansion = Linear(inFeatures: width, outFeatures: hiddenWidth)
            contraction = Linear(inFeatures: hiddenWidth, outFeatures: width)
            self.activation = activation
        }

        public var namedParameters: [(name: String, parameter: Parameter)] {
            nested("c_fc", expansion) + nested("c_proj", contraction)
        }

        /// `[…, width]` → `[…, width]`.
        public func callAsFunction(_ input: Variable) -> Variable {
            contraction(activation(expansion(input)))  // [..., hiddenWidth] inside
        }
    }

    public init(width: Int, heads: Int, mlpWidth: Int, activation: Activation, layerNormEpsilon: Float = 1e-5) {
        attentionNorm = LayerNorm(width: width, epsilon: layerNormEpsilon)
        attention = MultiheadAttention(width: width, heads: heads)
        mlpNorm = LayerNorm(width: width, epsilon: layerNormEpsilon)
        mlp = MLP(width: width, hiddenWidth: mlpWidth, activation: activation)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        nested("ln_1", attentionNorm) + nested("attn", attention) + nested("ln_2", mlpNorm) + nested("mlp", mlp)
    }

    /// `[batch, tokens, width]` → `[batch, tokens, width]`; `mask` is additive, broadcastable to
    /// `[batch, heads, tokens, tokens]`.
    public func callAsFunction(_ input: Variable, mask: Tensor? = nil) -> Variable {
        let attended = input + attention.selfAttention(attentionNorm(input), mask: mask)  // [batch, tokens, width]
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
        let attended = kept + attention.attendingFromSelectedQueries(
            attentionNorm(kept), over: attentionNorm(input),
            keyMask: selectedQueryKeyMask(mask, rows: rows, tokens: tokens))  // [batch, width]
        return attended + mlp(mlpNorm(attended))  // [batch, width]
    }
}
