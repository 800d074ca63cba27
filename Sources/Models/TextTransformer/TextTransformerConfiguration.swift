import NN

/// The shape of CLIP's text transformer (Radford et al. 2021): `vocabularySize` BPE tokens,
/// sequences of up to `contextLength`, `layers` causal blocks of `width` and `heads`, the pooled
/// token projected to `outputDimension`.
///
/// Coding keys follow OpenCLIP's `text_cfg` (`context_length`, `vocab_size`, `width`, `heads`,
/// `layers`); `mlp_width` defaults to 4 · width and `pooling` to the highest token id.
public struct TextTransformerConfiguration: Codable, Sendable, Equatable {
    public var contextLength: Int
    public var vocabularySize: Int
    public var width: Int
    public var layers: Int
    public var heads: Int
    /// Hidden width of each block's MLP.
    public var mlpWidth: Int
    /// Width of the text embedding after `text_projection`.
    public var outputDimension: Int
    public var activation: Activation
    public var layerNormEpsilon: Float
    public var pooling: TextPooling
    /// Whether the tower ends in `text_projection` (false for Hugging Face's `CLIPTextModel`, the
    /// text encoder of Stable Diffusion; then `outputDimension` equals `width`). Not a coding key:
    /// OpenCLIP configurations always have the projection.
    public var hasProjection: Bool = true

    enum CodingKeys: String, CodingKey {
        case contextLength = "context_length"
        case vocabularySize = "vocab_size"
        case width
        case layers
        case heads
        case mlpWidth = "mlp_width"
        case outputDimension = "output_dim"
        case activation
        case layerNormEpsilon = "layer_norm_eps"
        case pooling
    }

    public init(contextLength: Int = 77, vocabularySize: Int = 49408, width: Int, layers: Int, heads: Int,
                mlpWidth: Int? = nil, outputDimension: Int, activation: Activation = .quickGELU,
                layerNormEpsilon: Float = 1e-5, pooling: TextPooling = .highestTokenID) {
        precondition(width % heads == 0, "width \(width) is not divisible by \(heads) heads")
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
        self.width = width
        self.layers = layers
        self.heads = heads
        self.mlpWidth = mlpWidth ?? 4 * width
        self.outputDimension = outputDimension
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
        self.pooling = pooling
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let width = try container.decode(Int.self, forKey: .width)
        let heads = try container.decode(Int.self, forKey: .heads)
        guard heads > 0, width % heads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .heads, in: container,
                                                   debugDescription: "width \(width) is not divisible by \(heads) heads")
        }
        self.init(contextLength: try container.decodeIfPresent(Int.self, forKey: .contextLength) ?? 77,
                  vocabularySize: try container.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? 49408,
                  width: width, layers: try container.decode(Int.self, forKey: .layers), heads: heads,
                  mlpWidth: try container.decodeIfPresent(Int.self, forKey: .mlpWidth),
                  outputDimension: try container.decode(Int.self, forKey: .outputDimension),
                  activation: try container.decodeIfPresent(Activation.self, forKey: .activation) ?? .quickGELU,
                  layerNormEpsilon: try container.decodeIfPresent(Float.self, forKey: .layerNormEpsilon) ?? 1e-5,
                  pooling: try container.decodeIfPresent(TextPooling.self, forKey: .pooling) ?? .highestTokenID)
    }

    /// The same tower without `text_projection`: embeddings are the normalised pooled token.
    public func withoutProjection() -> Self {
        var copy = self
        copy.hasProjection = false
        copy.outputDimension = width
        return copy
    }

    /// The same shape with another activation.
    public func with(activation: Activation) -> Self {
        var copy = self
        copy.activation = activation
        return copy
    }

    /// The text tower of ViT-B/32 and ViT-B/16: width 512, 12 layers, 8 heads, embedding 512.
    public static let vitB32 = Self(width: 512, layers: 12, heads: 8, outputDimension: 512)
    /// The text tower of ViT-B/16 (the same as ViT-B/32's).
    public static let vitB16 = vitB32
    /// The text tower of ViT-L/14: width 768, 12 layers, 12 heads, embedding 768.
    public static let vitL14 = Self(width: 768, layers: 12, heads: 12, outputDimension: 768)
    /// The text tower of ViT-L/14@336 (the same as ViT-L/14's).
    public static let vitL14At336 = vitL14
    /// The text tower of RN50: width 512, 12 layers, 8 heads, embedding 1024.
    public static let rn50 = Self(width: 512, layers: 12, heads: 8, outputDimension: 1024)
}
