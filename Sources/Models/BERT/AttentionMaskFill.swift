import Tensor

/// What a BERT-style encoder adds to the attention scores of padding keys, and so what a query
/// whose every key is padding (an all-zero attention-mask row) sees:
///
///     scores = Q·Kᵀ/√d + m,   m[b, key] = 0 for real tokens, fill for padding
///
/// As long as a row has one real token the three fills give the same result in Float32
/// (e^(−10⁴) already underflows to 0). They differ only on fully padded rows:
/// - `negativeInfinity`: the row attends to nothing and its attention output is 0, as PyTorch's
///   `scaled_dot_product_attention` does with a boolean mask (Hugging Face transformers' default
///   `sdpa` attention).
/// - `float32Minimum`: −3.4028235e38 (`torch.finfo(float32).min`), transformers' `eager`
///   attention: every score collapses to the same value and the row averages all values.
/// - `constant(value)`: a finite constant, e.g. −10000 in Google's original BERT and in
///   Chinese-CLIP's copy of it: the scores shift uniformly and the row attends as if unmasked
///   (up to the rounding of scores near −10⁴ to Float32's grid there, steps of 2⁻¹⁰).
public enum AttentionMaskFill: Sendable, Equatable {
    case negativeInfinity
    case float32Minimum
    case constant(Float)

    /// The value added to padding keys.
    public var value: Float {
        switch self {
        case .negativeInfinity: -.infinity
        case .float32Minimum: -.greatestFiniteMagnitude
        case let .constant(value): value
        }
    }

    /// The additive key mask `[batch, 1, 1, length]` for a row-major `[batch, length]` attention
    /// mask (non-zero = real token), or nil when no key is padding.
    public func additiveMask(attentionMask: [Int], batch: Int, length: Int) -> Tensor? {
        precondition(attentionMask.count == batch * length, "attention mask holds \(attentionMask.count) values, not \(batch) × \(length)")
        guard attentionMask.contains(0) else { return nil }
        let fill = value
        return Tensor(shape: [batch, 1, 1, length]) { buffer in
            for index in 0..<attentionMask.count { buffer[index] = attentionMask[index] == 0 ? fill : 0 }
        }
    }
}
