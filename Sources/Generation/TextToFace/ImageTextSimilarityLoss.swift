import Autograd
import Imaging
import Models
import NN
import Tensor

/// The image–text similarity loss that text-to-StyleGAN mappers are usually trained with, and the
/// supervision of the text-to-face ablation (the seed paper's Table 3 "Baseline", here: no text
/// reconstruction, a joint embedding model instead): StyleCLIP's latent-mapper CLIP loss
/// (Patashnik et al. 2021, §5, D_CLIP), the cosine distance between the generated image's and the
/// caption's embeddings in a registry model's joint space,
///
///     x′ = (resize(x, size)·½ + ½ − mean_c) / std_c    differentiable preprocessing of [−1, 1] pixels
///     L_sim = (1/B)·Σ_b (1 − cos(E_I(x′_b), e_b)),      e_b = E_T(t_b) (precomputed, fixed)
///
/// Grey images are repeated to three channels; the resize is bilinear (the model's own
/// preprocessing resamples decoded photos with its filter; here the pixels must stay on the tape).
public struct ImageTextSimilarityLoss {
    public let imageEncoder: any ImageEncoder
    public let preprocessing: Preprocessing

    public init(imageEncoder: any ImageEncoder, preprocessing: Preprocessing) {
        self.imageEncoder = imageEncoder
        self.preprocessing = preprocessing
    }

    /// Pixels `[batch, 1 or 3, H, W]` in [−1, 1] → the model's input `[batch, 3, size, size]`, on the tape.
    public func preprocessed(_ pixels: Variable) -> Variable {
        precondition(pixels.shape.count == 4 && (pixels.shape[1] == 1 || pixels.shape[1] == 3),
                     "the similarity loss needs [batch, 1 or 3, height, width] pixels, got \(pixels.shape)")
        let size = preprocessing.imageSize
        var images = pixels
        if images.shape[2] != size || images.shape[3] != size {
            images = images.upsampled(height: size, width: size, mode: .bilinear(alignCorners: false))  // [batch, C, size, size]
        }
        if images.shape[1] == 1 { images = Variable.concatenate([images, images, images], alongAxis: 1) }  // [batch, 3, size, size]
        let scale = Tensor(shape: [1, 3, 1, 1], scalars: preprocessing.std.map { 0.5 / $0 })
        let shift = Tensor(shape: [1, 3, 1, 1], scalars: zip(preprocessing.mean, preprocessing.std).map { (0.5 - $0) / $1 })
        return images * Variable(scale) + Variable(shift)  // [batch, 3, size, size]
    }

    /// The mean cosine distance between the images' embeddings and `textEmbeddings` `[batch, width]`.
    public func callAsFunction(pixels: Variable, textEmbeddings: Tensor) -> Variable {
        let images = imageEncoder.encode(preprocessed(pixels), includingTokenStates: false).pooled.l2NormalizedRows()  // [batch, width]
        precondition(images.shape == textEmbeddings.shape, "image embeddings \(images.shape) vs text embeddings \(textEmbeddings.shape)")
        let texts = Variable(textEmbeddings).l2NormalizedRows()  // [batch, width]
        let cosines = (images * texts).sum(alongAxis: 1)  // [batch]
        return 1 - cosines.mean()
    }
}
