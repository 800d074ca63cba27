import Retrieval
import Tensor

/// A joint image–text embedding model as the facade hands it out: the `EmbeddingModel` the
/// retrieval code indexes with, plus what zero-shot classification needs.
///
/// Embeddings from `embed(images:)` and `embed(texts:)` are L2-normalised rows, so a matrix
/// product gives cosine similarities.
public protocol ImageTextModel: EmbeddingModel {
    /// The factor that turns cosine similarities into classification logits: CLIP's learned
    /// exp(logit_scale) (100 for OpenAI's weights).
    var logitScale: Float { get }
}
