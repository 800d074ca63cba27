/// One way of reducing a sentence's token embeddings to a single vector, with
/// sentence-transformers' names (Reimers & Gurevych 2019, "Sentence-BERT", §3).
/// With `aᵗ` the attention mask (1 = real token) and `hᵗ` the token embeddings:
public enum PoolingMode: String, Codable, Sendable, CaseIterable {
    /// h at the first real token (`[CLS]` under right padding).
    case cls
    /// maxₜ hᵗ over real tokens, per dimension.
    case max
    /// Σₜ aᵗhᵗ / max(Σₜ aᵗ, 1e-9).
    case mean
    /// Σₜ aᵗhᵗ / √max(Σₜ aᵗ, 1e-9).
    case meanSquareRootLength = "mean_sqrt_len_tokens"
    /// Σₜ wᵗaᵗhᵗ / Σₜ wᵗaᵗ with wᵗ = t + 1 counted from the first real token (Muennighoff 2022, SGPT).
    case weightedMean = "weightedmean"
    /// h at the last real token.
    case lastToken = "lasttoken"

    /// The legacy `pooling_mode_*_tokens` flag of each mode, in the order sentence-transformers
    /// concatenates the results.
    static let legacyFlags: [(key: String, mode: PoolingMode)] = [
        ("pooling_mode_cls_token", .cls),
        ("pooling_mode_max_tokens", .max),
        ("pooling_mode_mean_tokens", .mean),
        ("pooling_mode_mean_sqrt_len_tokens", .meanSquareRootLength),
        ("pooling_mode_weightedmean_tokens", .weightedMean),
        ("pooling_mode_lasttoken", .lastToken),
    ]
}
