import NN

/// The shape of a CLIP vision transformer (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words";
/// Radford et al. 2021): square images of `imageSize` pixels cut into `patchSize` patches,
/// (imageSize / patchSize)² + 1 tokens of `width`, `layers` blocks of `heads` heads, and a
/// projection to `outputDimension`.
///
/// Coding keys follow OpenCLIP's `vision_cfg` where it has the field (`image_size`, `patch_size`,
/// `width`, `layers`); `heads` defaults to width / 64 (OpenCLIP's `head_width`) and `mlp_width`
/// to 4 · width (its `mlp_ratio`).
public struct VisionTransformerConfiguration: Codable, Sendable, Equatable {
    public var imageSize: Int
    public var patchSize: Int
    public var width: Int
    public var layers: Int
    public var heads: Int
    /// Hidden width of each block's MLP.
    public var mlpWidth: Int
    /// Width of the image embedding after the projection `proj`.
    public var outputDimension: Int
    public var activation: Activation
    public var layerNormEpsilon: Float

    enum CodingKeys: String, CodingKey {
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case width
        case layers
        case heads
        case mlpWidth = "mlp_width"
        case outputDimension = "output_dim"
        case activation
        case layerNormEpsilon = "layer_norm_eps"
    }

    public init(imageSize: Int, patchSize: Int, width: Int, layers: Int, heads: Int, mlpWidth: Int? = nil,
                outputDimension: Int, activation: Activation = .quickGELU, layerNormEpsilon: Float = 1e-5) {
        precondition(imageSize % patchSize == 0, "image size \(imageSize) is not a multiple of the patch size \(patchSize)")
        precondition(width % heads == 0, "width \(width) is not divisible by \(heads) heads")
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.width = width
        self.layers = layers
        self.heads = heads
        self.mlpWidth = mlpWidth ?? 4 * width
        self.outputDimension = outputDimension
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let width = try container.decode(Int.self, forKey: .width)
        let imageSize = try container.decode(Int.self, forKey: .imageSize)
        let patchSize = try container.decode(Int.self, forKey: .patchSize)
        let heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? max(1, width / 64)
        guard patchSize > 0, imageSize % patchSize == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .patchSize, in: container,
                                                   debugDescription: "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
        guard heads > 0, width % heads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .heads, in: container,
                                                   debugDescription: "width \(width) is not divisible by \(heads) heads")
        }
        self.init(imageSize: imageSize, patchSize: patchSize, width: width,
                  layers: try container.decode(Int.self, forKey: .layers), heads: heads,
                  mlpWidth: try container.decodeIfPresent(Int.self, forKey: .mlpWidth),
                  outputDimension: try container.decode(Int.self, forKey: .outputDimension),
                  activation: try container.decodeIfPresent(Activation.self, forKey: .activation) ?? .quickGELU,
                  layerNormEpsilon: try container.decodeIfPresent(Float.self, forKey: .layerNormEpsilon) ?? 1e-5)
    }

    /// Patches along one side: imageSize / patchSize.
    public var gridSize: Int { imageSize / patchSize }
    /// Tokens per image: the class token and one per patch.
    public var tokens: Int { gridSize * gridSize + 1 }

    /// The same shape with another activation.
    public func with(activation: Activation) -> Self {
        var copy = self
        copy.activation = activation
        return copy
    }

    /// ViT-B/32 at 224 pixels: width 768, 12 layers, 12 heads, embedding 512.
    public static let vitB32 = Self(imageSize: 224, patchSize: 32, width: 768, layers: 12, heads: 12, outputDimension: 512)
    /// ViT-B/16 at 224 pixels: width 768, 12 layers, 12 heads, embedding 512.
    public static let vitB16 = Self(imageSize: 224, patchSize: 16, width: 768, layers: 12, heads: 12, outputDimension: 512)
    /// ViT-L/14 at 224 pixels: width 1024, 24 layers, 16 heads, embedding 768.
    public static let vitL14 = Self(imageSize: 224, patchSize: 14, width: 1024, layers: 24, heads: 16, outputDimension: 768)
    /// ViT-L/14 at 336 pixels: width 1024, 24 layers, 16 heads, embedding 768.
    public static let vitL14At336 = Self(imageSize: 336, patchSize: 14, width: 1024, layers: 24, heads: 16, outputDimension: 768)
}
