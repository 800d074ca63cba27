import Foundation
import NN

/// cn_clip's image-tower config file (`model_configs/ViT-B-16.json` and friends): `embed_dim`,
/// `image_resolution`, `vision_layers`, `vision_width`, `vision_patch_size` and, for ViT-H,
/// `vision_head_width` (default 64). The tower is OpenCLIP's ViT with QuickGELU. cn_clip's RN50
/// (`vision_layers` a list) is refused by name.
public struct ChineseCLIPVisionConfiguration: Decodable, Sendable, Equatable {
    public var embedDimension: Int
    public var imageResolution: Int
    public var layers: Int
    public var width: Int
    public var patchSize: Int
    public var headWidth: Int

    enum CodingKeys: String, CodingKey {
        case embedDimension = "embed_dim", imageResolution = "image_resolution", layers = "vision_layers"
        case width = "vision_width", patchSize = "vision_patch_size", headWidth = "vision_head_width"
    }

    public init(embedDimension: Int, imageResolution: Int, layers: Int, width: Int, patchSize: Int, headWidth: Int = 64) {
        self.embedDimension = embedDimension
        self.imageResolution = imageResolution
        self.layers = layers
        self.width = width
        self.patchSize = patchSize
        self.headWidth = headWidth
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let layers = try? container.decode(Int.self, forKey: .layers) else {
            throw DecodingError.dataCorruptedError(
                forKey: .layers, in: container,
                debugDescription: "vision_layers is not one number: Chinese-CLIP's ResNet image tower is not supported, only its ViTs")
        }
        self.init(embedDimension: try container.decode(Int.self, forKey: .embedDimension),
                  imageResolution: try container.decode(Int.self, forKey: .imageResolution), layers: layers,
                  width: try container.decode(Int.self, forKey: .width),
                  patchSize: try container.decode(Int.self, forKey: .patchSize),
                  headWidth: try container.decodeIfPresent(Int.self, forKey: .headWidth) ?? 64)
    }

    public init(contentsOf url: URL) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
        } catch {
            throw ModelError.invalidConfiguration(path: url.path, reason: "\(error)")
        }
    }

    /// The OpenCLIP-layout ViT these numbers describe.
    public func visionTransformer() throws -> VisionTransformerConfiguration {
        guard patchSize > 0, imageResolution % patchSize == 0, headWidth > 0, width % headWidth == 0 else {
            throw ModelError.invalidConfiguration(
                path: "vision config", reason: "resolution \(imageResolution), patch \(patchSize), width \(width), head width \(headWidth) do not fit together")
        }
        return VisionTransformerConfiguration(imageSize: imageResolution, patchSize: patchSize, width: width, layers: layers,
                                              heads: width / headWidth, outputDimension: embedDimension, activation: .quickGELU)
    }
}
