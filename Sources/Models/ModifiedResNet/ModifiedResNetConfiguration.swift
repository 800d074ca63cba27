/// The shape of OpenAI's modified ResNet image tower (Radford et al. 2021, §2.4): `layers` bottleneck
/// blocks in each of four stages, stem `width` (stage widths width·(1, 2, 4, 8), features
/// width · 32 after the 4× expansion), an attention-pooling head of `heads` heads over the
/// (imageSize / 32)² grid, projected to `outputDimension`.
///
/// Coding keys follow OpenCLIP's `vision_cfg` for ResNets (`image_size`, `layers`, `width`);
/// `heads` defaults to width · 32 / 64 as there.
public struct ModifiedResNetConfiguration: Codable, Sendable, Equatable {
    public var imageSize: Int
    /// Bottleneck blocks per stage (four stages).
    public var layers: [Int]
    public var width: Int
    public var heads: Int
    /// Width of the image embedding after the attention pool's `c_proj`.
    public var outputDimension: Int

    enum CodingKeys: String, CodingKey {
        case imageSize = "image_size"
        case layers
        case width
        case heads
        case outputDimension = "output_dim"
    }

    public init(imageSize: Int = 224, layers: [Int], width: Int = 64, heads: Int? = nil, outputDimension: Int) {
        precondition(layers.count == 4 && layers.allSatisfy { $0 > 0 }, "a modified ResNet has four non-empty stages, got \(layers)")
        precondition(imageSize % 32 == 0, "image size \(imageSize) is not a multiple of 32")
        self.imageSize = imageSize
        self.layers = layers
        self.width = width
        self.heads = heads ?? max(1, width * 32 / 64)
        precondition((width * 32) % self.heads == 0, "feature width \(width * 32) is not divisible by \(self.heads) heads")
        self.outputDimension = outputDimension
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let layers = try container.decode([Int].self, forKey: .layers)
        let imageSize = try container.decodeIfPresent(Int.self, forKey: .imageSize) ?? 224
        let width = try container.decodeIfPresent(Int.self, forKey: .width) ?? 64
        let heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? max(1, width * 32 / 64)
        guard layers.count == 4, layers.allSatisfy({ $0 > 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .layers, in: container, debugDescription: "need four positive stage depths, got \(layers)")
        }
        guard imageSize % 32 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .imageSize, in: container, debugDescription: "image_size \(imageSize) is not a multiple of 32")
        }
        guard heads > 0, (width * 32) % heads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .heads, in: container, debugDescription: "feature width \(width * 32) is not divisible by \(heads) heads")
        }
        self.init(imageSize: imageSize, layers: layers, width: width, heads: heads,
                  outputDimension: try container.decode(Int.self, forKey: .outputDimension))
    }

    /// Channels entering the attention pool: width · 32.
    public var featureWidth: Int { width * 32 }
    /// Side of the final feature grid: imageSize / 32.
    public var gridSize: Int { imageSize / 32 }

    /// RN50: stages (3, 4, 6, 3), width 64, 32 heads, embedding 1024, 224 pixels.
    public static let rn50 = Self(imageSize: 224, layers: [3, 4, 6, 3], width: 64, outputDimension: 1024)
}
