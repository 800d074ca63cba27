import Autograd
import Imaging
import Models
import Tensor

/// The frozen image encoder Γ_i whose embeddings of reference photos become the image prompt
/// (the seed paper's Eq. 1): any CLIPKit image encoder with its preprocessing — CLIP's vision
/// tower with projection for Stable Diffusion's IP-Adapter, or a smaller pretrained network.
public struct ReferenceImageEncoder {
    public let encoder: any ImageEncoder
    public let preprocessing: Preprocessing

    public init(encoder: any ImageEncoder, preprocessing: Preprocessing) {
        self.encoder = encoder
        self.preprocessing = preprocessing
    }

    public var embeddingWidth: Int { encoder.embeddingWidth }

    /// Pooled embeddings `[images.count, embeddingWidth]`, without a tape.
    public func embeddings(of images: [RGBImage]) throws -> Tensor {
        precondition(!images.isEmpty, "no reference images to embed")
        return encoder.embed(try preprocessing.batch(images))  // [images, width]
    }
}
