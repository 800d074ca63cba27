import Tensor

/// The rows of an additive self-attention mask that selected queries use, as `[batch, tokens]`:
/// row `rows[b]` of a shared `[tokens, tokens]` mask (such as the causal mask), or the
/// key mask itself when it is the same for every query (`[batch, 1, 1, tokens]`, `[1, 1, 1, tokens]`, `[tokens]`).
/// A block that keeps one token per sequence attends from those tokens alone
/// (`ResidualAttentionBlock.callAsFunction(_:mask:keepingRows:)`) and masks their keys with this.
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
