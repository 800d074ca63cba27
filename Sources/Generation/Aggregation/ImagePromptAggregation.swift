import Autograd
import NN
import Tensor

/// How the image embeddings of several reference photos of one subject become one image prompt
/// (the seed paper's §3.4–3.5, its function G in Eq. 1): per sample, embeddings
/// `[batch, images, width]` →
///
///     mean       G(e₁ … e_n) = (1/n)·Σ eᵢ                       → [batch, width]
///     max        G = element-wise maxᵢ eᵢ                         → [batch, width]
///     concat     every image keeps its own IP-Adapter token group → [batch, images, width]
///                (diffusers' behaviour with a list of images: n·N tokens of cross-attention)
///     attention  a trained self-attention block over the images, then the mean
///                (`AttentionAggregator`)                          → [batch, width]
///
/// The raw values are the names the CLI and configurations use.
public enum ImagePromptAggregation: String, Codable, Sendable, CaseIterable {
    case mean
    case max
    case concat
    case attention

    /// The aggregated embeddings for `embeddings` `[batch, images, width]`; `attention` needs the
    /// trained aggregator.
    public func aggregate(_ embeddings: Variable, aggregator: AttentionAggregator? = nil) -> Variable {
        precondition(embeddings.shape.count == 3 && embeddings.shape[1] >= 1,
                     "reference embeddings must be [batch, images ≥ 1, width], got \(embeddings.shape)")
        switch self {
        case .mean: return embeddings.mean(alongAxis: 1)  // [batch, width]
        case .max: return embeddings.max(alongAxis: 1)  // [batch, width]
        case .concat: return embeddings  // [batch, images, width]
        case .attention:
            guard let aggregator else { preconditionFailure("attention aggregation needs a trained AttentionAggregator") }
            return aggregator(embeddings)  // [batch, width]
        }
    }
}
