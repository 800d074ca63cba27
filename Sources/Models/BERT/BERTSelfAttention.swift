import Autograd
import NN
import Tensor

/// BERT's multi-head self-attention with separate query, key and value projections
/// (Vaswani et al. 2017; Devlin et al. 2019):
///
///     headᵢ = softmax(Qᵢ·Kᵢᵀ/√d + m)·Vᵢ,   Q = x·W_qᵀ + b_q, K = x·W_kᵀ + b_k, V = x·W_vᵀ + b_v
///
/// returning the heads concatenated (the output projection lives in `BERTResidualOutput`).
/// Parameter names are Hugging Face's: `query`, `key`, `value` (`.weight`, `.bias`).
public struct BERTSelfAttention: ParameterGroup {
    public let query: Linear
    public let key: Linear
    public let value: Linear
    public let heads: Int

    public init(hiddenSize: Int, heads: Int) {
        precondition(hiddenSize % heads == 0, "hidden size \(hiddenSize) is not divisible by \(heads) heads")
        query = Linear(inFeatures: hiddenSize, outFeatures: hiddenSize)
        key = Linear(inFeatures: hiddenSize, outFeatures: hiddenSize)
        value = Linear(inFeatures: hiddenSize, outFeatures: hiddenSize)
        self.heads = heads
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        nested("query", query) + nested("key", key) + nested("value", value)
    }

    /// `[batch, tokens, hiddenSize]` → `[batch, tokens, hiddenSize]`; `mask` is additive and
    /// broadcastable to `[batch, heads, tokens, tokens]` (see `AttentionMaskFill`).
    public func callAsFunction(_ input: Variable, mask: Tensor?) -> Variable {
        let (batch, tokens, width) = (input.shape[0], input.shape[1], input.shape[2])
        let headSize = width / heads
        func splitHeads(_ projected: Variable) -> Variable {
            projected.reshaped([batch, tokens, heads, headSize]).permuted([0, 2, 1, 3])  // [batch, heads, tokens, headSize]
        }
        let attended = Variable.scaledDotProductAttention(
            query: splitHeads(query(input)), key: splitHeads(key(input)), value: splitHeads(value(input)),
            mask: mask)  // [batch, heads, tokens, headSize]
        return attended.permuted([0, 2, 1, 3]).reshaped([batch, tokens, width])  // [batch, tokens, hiddenSize]
    }
}
