import Autograd
import NN
import Tensor

extension MultiheadAttention {
    /// Attention from one query token per sequence over all of its tokens: the rows a pooled
    /// output needs, without computing queries (or outputs) for the others (Vaswani et al. 2017):
    ///
    ///     y_b = W_o · MultiHead(W_q x_b, W_k C_b, W_v C_b) + b_o
    ///
    /// - queries: the query tokens `[batch, width]`, already normalised as the context is.
    /// - context: every token `[batch, tokens, width]`.
    /// - keyMask: additive `[batch, tokens]` mask of the keys each query may see, or nil.
    /// - Returns `[batch, width]`, equal to the matching rows of the full self-attention.
    func attendingFromSelectedQueries(_ queries: Variable, over context: Variable, keyMask: Tensor?) -> Variable {
        let (batch, tokens, width) = (context.shape[0], context.shape[1], context.shape[2])
        let headWidth = width / heads
        let weight = inputProjectionWeight.variable, bias = inputProjectionBias.variable
        let query = Variable.linear(queries, weight: weight.narrowed(alongAxis: 0, start: 0, length: width),
                                    bias: bias.narrowed(alongAxis: 0, start: 0, length: width))  // [batch, width]
        let keysAndValues = Variable.linear(context, weight: weight.narrowed(alongAxis: 0, start: width, length: 2 * width),
                                            bias: bias.narrowed(alongAxis: 0, start: width, length: 2 * width))  // [batch, tokens, 2·width]
        let split = keysAndValues.reshaped([batch, tokens, 2, heads, headWidth]).permuted([2, 0, 3, 1, 4])  // [2, batch, heads, tokens, headWidth]
        let parts = split.split(sizes: [1, 1], alongAxis: 0).map { $0.reshaped([batch, heads, tokens, headWidth]) }
        let attended = Variable.scaledDotProductAttention(
            query: query.reshaped([batch, heads, 1, headWidth]), key: parts[0], value: parts[1],
            mask: keyMask?.reshaped([batch, 1, 1, tokens]))  // [batch, heads, 1, headWidth]
        return outputProjection(attended.reshaped([batch, width]))  // [batch, width]
    }
}

/// The rows of an additive self-attention mask that the selected queries use, as `[batch, tokens]`:
/// row `rows[b]` of a shared `[tokens, tokens]` mask (such as the causal mask), or the
/// key mask itself when it is the same for every query (`[batch, 1, 1, tokens]`, `[1, 1, 1, tokens]`, `[tokens]`).
func selectedQueryKeyMask(_ mask: Tensor?, rows: [Int], tokens: Int) -> Tensor? {
    guard let mask else { return nil }
    let batch = rows.count
    switch mask.shape {
    case [tokens, tokens]:
        return Tensor.gather(rowsOf: mask, indices: rows)  // [batch, tokens]
    case [batch, 1, 1, tokens]:
        return mask.reshaped([batch, tokens])
    case [1, 1, 1, tokens], [tokens]:
        return Tensor(zeros: [batch, tokens]) + mask.reshaped([1, tokens])
    default:
        preconditionFailure("attention from selected queries supports [tokens, tokens] or per-key masks, got \(mask.shape)")
    }
}

extension MultiheadAttention {
    /// Self-attention over `[batch, tokens, width]` as `callAsFunction(_:mask:)` computes it; when
    /// no gradient is being recorded (and the mask, if any, is a shared `[tokens, tokens]` one) it
    /// runs `Tensor.packedSelfAttention`, which reads the heads out of the packed projection
    /// without permuting copies.
    func selfAttention(_ input: Variable, mask: Tensor?) -> Variable {
        let tokens = input.shape[1]
        guard GradientMode.isDisabled, mask == nil || mask!.shape == [tokens, tokens] else {
            return self(input, mask: mask)
        }
        let packed = Tensor.linear(input.value, weight: inputProjectionWeight.value, bias: inputProjectionBias.value)  // [batch, tokens, 3·width]
        let merged = Tensor.packedSelfAttention(packed, heads: heads, mask: mask)  // [batch, tokens, width]
        return outputProjection(Variable(merged))  // [batch, tokens, width]
    }
}
