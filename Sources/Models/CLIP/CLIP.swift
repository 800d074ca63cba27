import Autograd
import NN
import Tensor

/// A CLIP dual encoder (Radford et al. 2021): an image tower and a text tower whose L2-normalised
/// embeddings are compared by cosine similarity,
///
///     logits[i, j] = exp(logit_scale) · ⟨f(image_i)/‖f(image_i)‖, g(text_j)/‖g(text_j)‖⟩
///
/// Parameter names are OpenAI's and OpenCLIP's: the image tower under `visual.`, the text tower at
/// the top level (`token_embedding.weight`, `transformer.resblocks.…`, `text_projection`, …) and
/// `logit_scale`. Weights come from `CLIP.load(contentsOf:…)` or
/// `CLIP.loadHuggingFace(directory:)`; a new model holds zeros.
public struct CLIP: Module {
    public let configuration: CLIPConfiguration
    /// A `VisionTransformer` or a `ModifiedResNet`, as the configuration says.
    @Key("visual") public var imageTower: any ImageEncoder
    @Key("") public var textTower: TextTransformer
    /// log of the inverse softmax temperature, a scalar.
    @Key("logit_scale") public var logitScale: Parameter

    public init(_ configuration: CLIPConfiguration) {
        self.configuration = configuration
        switch configuration.vision {
        case let .visionTransformer(shape): imageTower = VisionTransformer(shape)
        case let .modifiedResNet(shape): imageTower = ModifiedResNet(shape)
        }
        textTower = TextTransformer(configuration.text)
        logitScale = Parameter(Tensor(scalar: 0))
    }

    // MARK: Differentiable features

    /// Image features `[batch, embeddingDimension]`, not normalised, on the tape (for training).
    public func imageFeatures(_ images: Variable) -> Variable { imageTower(images) }

    /// Text features `[batch, embeddingDimension]`, not normalised, on the tape (for training).
    public func textFeatures(_ tokenIDs: [[Int]]) -> Variable { textTower(tokenIDs) }

    // MARK: Inference

    /// Embeddings of normalised images `[batch, 3, size, size]` → `[batch, embeddingDimension]`,
    /// L2-normalised unless `normalize` is false. Records no tape.
    public func encodeImage(_ images: Tensor, normalize: Bool = true) -> Tensor {
        let features = GradientMode.withoutGradients { imageTower(Variable(images)).value }  // [batch, embedding]
        return normalize ? features.l2NormalizedRows() : features
    }

    /// Embeddings of token-id rows (all of one length ≤ the context length) →
    /// `[batch, embeddingDimension]`, L2-normalised unless `normalize` is false. Records no tape.
    public func encodeText(_ tokenIDs: [[Int]], normalize: Bool = true) -> Tensor {
        let features = GradientMode.withoutGradients { textTower(tokenIDs).value }  // [batch, embedding]
        return normalize ? features.l2NormalizedRows() : features
    }

    /// exp(logit_scale) · I·Tᵀ for L2-normalised image embeddings `[images, d]` and text
    /// embeddings `[texts, d]`: `[images, texts]` (transpose it for per-text logits).
    public func logits(imageEmbeddings: Tensor, textEmbeddings: Tensor) -> Tensor {
        Tensor.matmul(imageEmbeddings, textEmbeddings, transposeB: true) * logitScale.value.exp().item  // [images, texts]
    }

    /// Per-image logits `[images, texts]` and per-text logits `[texts, images]`, as OpenCLIP's
    /// `get_logits` and Hugging Face's `logits_per_image` / `logits_per_text`.
    public func logits(images: Tensor, tokenIDs: [[Int]]) -> (perImage: Tensor, perText: Tensor) {
        let perImage = logits(imageEmbeddings: encodeImage(images), textEmbeddings: encodeText(tokenIDs))
        return (perImage, perImage.transposed())
    }
}
