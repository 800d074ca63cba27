import Autograd
import NN
import Tensor

/// The one image-encoder contract of CLIPKit: a network that maps preprocessed images
/// `[batch, 3, height, width]` to one pooled embedding per image and, on request, the per-position
/// token states the embedding was pooled from (a vision transformer's patch tokens after its last
/// block, a convolutional network's last feature map).
///
/// Every image tower conforms: CLIP's vision transformer and modified ResNet (Radford et al. 2021),
/// Chinese-CLIP's (the same ViT), EfficientNet, torchvision's ResNet, ConSE over a classifier,
/// and the small CNNs training builds. Training puts `encode` on the tape; retrieval calls
/// `embed`, which records nothing.
public protocol ImageEncoder: Module {
    /// Width of one pooled embedding.
    var embeddingWidth: Int { get }
    /// The square image side the encoder expects, or nil when it takes any size (global pooling).
    var inputSize: Int? { get }
    /// Module paths of the encoder's own output projection (CLIP's `proj`), which stay trainable
    /// when only projections are trained. Default: none.
    var projectionPaths: [String] { get }
    /// Pooled embeddings `[batch, embeddingWidth]` (not L2-normalised) and, when
    /// `includingTokenStates`, the token states; differentiable.
    func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding
    /// Pooled embeddings `[batch, embeddingWidth]` (not L2-normalised) without a tape. Default:
    /// `encode` with gradients off; encoders with a faster inference path override it.
    func embed(_ images: Tensor) -> Tensor
}

extension ImageEncoder {
    public var projectionPaths: [String] { [] }

    public func embed(_ images: Tensor) -> Tensor {
        GradientMode.withoutGradients { encode(Variable(images), includingTokenStates: false).pooled.value }
    }

    /// Pooled embeddings `[batch, embeddingWidth]` on the tape (not L2-normalised).
    public func callAsFunction(_ images: Variable) -> Variable {
        encode(images, includingTokenStates: false).pooled
    }
}
