import Autograd
import Foundation
import Imaging
import NN
import Tensor

/// A joint image–text embedding model ready to use: an image encoder and a text encoder whose
/// L2-normalised embeddings share one space, compared by cosine similarity (Radford et al. 2021):
///
///     logits[i, j] = exp(s) · ⟨f(image_i)/‖f(image_i)‖, g(text_j)/‖g(text_j)‖⟩
///
/// with s the learned log inverse temperature (`logScale`). `ModelRegistry` builds one from a
/// name, a hub repository or a path; the encoders are the same objects training differentiates,
/// so a fine-tuned model embeds with its new weights.
///
/// Safe to use from several threads at once: nothing here changes after creation, and inference
/// reads parameters without writing them.
public final class ImageTextModel: @unchecked Sendable {
    public let imageEncoder: any ImageEncoder
    public let textEncoder: any TextEncoder
    /// s, the log of the factor that turns cosine similarities into logits.
    public let logScale: Parameter
    /// Every weight under the names of the checkpoint layout the model was loaded from (CLIP's and
    /// Chinese-CLIP's state dicts), what a fine-tuned model saves.
    public let weights: any Module
    /// Name, checkpoint fingerprint, dimension, preprocessing and options; stored beside embeddings.
    public let identity: ModelIdentity
    /// Texts per forward pass of the text encoder.
    public let textBatchSize: Int

    public init(imageEncoder: any ImageEncoder, textEncoder: any TextEncoder, logScale: Parameter, weights: any Module,
                identity: ModelIdentity, textBatchSize: Int = 64) {
        precondition(imageEncoder.embeddingWidth == textEncoder.embeddingWidth && identity.dimension == imageEncoder.embeddingWidth,
                     "image (\(imageEncoder.embeddingWidth)) and text (\(textEncoder.embeddingWidth)) embeddings must share the identity's width \(identity.dimension)")
        precondition(textBatchSize > 0, "text batch size must be positive")
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        self.logScale = logScale
        self.weights = weights
        self.identity = identity
        self.textBatchSize = textBatchSize
    }

    /// exp(s): CLIP's learned logit scale (100 for OpenAI's weights).
    public var logitScale: Float { Foundation.exp(logScale.value.item) }

    /// Embeddings `[batch, dimension]` (L2-normalised rows) of images preprocessed with
    /// `identity.preprocessing`, `[batch, 3, size, size]`.
    public func embed(images: Tensor) throws -> Tensor {
        let size = identity.preprocessing?.imageSize ?? imageEncoder.inputSize ?? 0
        guard images.rank == 4, images.shape[1] == 3, images.shape[2] == size, images.shape[3] == size else {
            throw ModelError.wrongInputShape(expected: "[batch, 3, \(size), \(size)]", got: images.shape)
        }
        return imageEncoder.embed(images).l2NormalizedRows()
    }

    /// Embeddings `[texts.count, dimension]` (L2-normalised rows), `textBatchSize` texts per pass.
    public func embed(texts: [String]) throws -> Tensor {
        try textEncoder.embed(texts, batchSize: textBatchSize).l2NormalizedRows()
    }

    /// Cosine similarities `[images, texts]` of L2-normalised embeddings.
    public func similarity(imageEmbeddings: Tensor, textEmbeddings: Tensor) -> Tensor {
        Tensor.matmul(imageEmbeddings, textEmbeddings, transposeB: true)
    }

    /// `logitScale` × cosine similarity, `[images, texts]` (CLIP's logits per image).
    public func logits(imageEmbeddings: Tensor, textEmbeddings: Tensor) -> Tensor {
        similarity(imageEmbeddings: imageEmbeddings, textEmbeddings: textEmbeddings) * logitScale
    }
}
