import Foundation
import NN

/// Hugging Face's `CLIPConfig` (`config.json` of a `CLIPModel`), field for field under its own
/// names, with transformers' defaults for absent fields. `clipConfiguration()` turns it into ours.
///
/// Legacy files that carry `text_config_dict` / `vision_config_dict` have those fields override
/// `text_config` / `vision_config`, as transformers does.
public struct HuggingFaceCLIPConfiguration: Decodable, Sendable, Equatable {
    public var projectionDimension: Int?
    public var text: Text
    public var vision: Vision

    enum CodingKeys: String, CodingKey {
        case projectionDimension = "projection_dim"
        case text = "text_config"
        case textOverrides = "text_config_dict"
        case vision = "vision_config"
        case visionOverrides = "vision_config_dict"
    }

    /// `CLIPTextConfig`.
    public struct Text: Decodable, Sendable, Equatable {
        public var vocabularySize: Int?
        public var hiddenSize: Int?
        public var intermediateSize: Int?
        public var projectionDimension: Int?
        public var hiddenLayers: Int?
        public var attentionHeads: Int?
        public var maximumPositions: Int?
        public var hiddenActivation: String?
        public var layerNormEpsilon: Float?
        public var endOfTextTokenID: Int?

        enum CodingKeys: String, CodingKey {
            case vocabularySize = "vocab_size"
            case hiddenSize = "hidden_size"
            case intermediateSize = "intermediate_size"
            case projectionDimension = "projection_dim"
            case hiddenLayers = "num_hidden_layers"
            case attentionHeads = "num_attention_heads"
            case maximumPositions = "max_position_embeddings"
            case hiddenActivation = "hidden_act"
            case layerNormEpsilon = "layer_norm_eps"
            case endOfTextTokenID = "eos_token_id"
        }

        /// `other`'s fields where present, else these.
        func overridden(by other: Text?) -> Text {
            guard let other else { return self }
            return Text(vocabularySize: other.vocabularySize ?? vocabularySize, hiddenSize: other.hiddenSize ?? hiddenSize,
                        intermediateSize: other.intermediateSize ?? intermediateSize,
                        projectionDimension: other.projectionDimension ?? projectionDimension,
                        hiddenLayers: other.hiddenLayers ?? hiddenLayers, attentionHeads: other.attentionHeads ?? attentionHeads,
                        maximumPositions: other.maximumPositions ?? maximumPositions,
                        hiddenActivation: other.hiddenActivation ?? hiddenActivation,
                        layerNormEpsilon: other.layerNormEpsilon ?? layerNormEpsilon,
                        endOfTextTokenID: other.endOfTextTokenID ?? endOfTextTokenID)
        }
    }

    /// `CLIPVisionConfig`.
    public struct Vision: Decodable, Sendable, Equatable {
        public var hiddenSize: Int?
        public var intermediateSize: Int?
        public var hiddenLayers: Int?
        public var attentionHeads: Int?
        public var channels: Int?
        public var imageSize: SquareSize?
        public var patchSize: SquareSize?
        public var hiddenActivation: String?
        public var layerNormEpsilon: Float?

        enum CodingKeys: String, CodingKey {
            case hiddenSize = "hidden_size"
            case intermediateSize = "intermediate_size"
            case hiddenLayers = "num_hidden_layers"
            case attentionHeads = "num_attention_heads"
            case channels = "num_channels"
            case imageSize = "image_size"
            case patchSize = "patch_size"
            case hiddenActivation = "hidden_act"
            case layerNormEpsilon = "layer_norm_eps"
        }

        func overridden(by other: Vision?) -> Vision {
            guard let other else { return self }
            return Vision(hiddenSize: other.hiddenSize ?? hiddenSize, intermediateSize: other.intermediateSize ?? intermediateSize,
                          hiddenLayers: other.hiddenLayers ?? hiddenLayers, attentionHeads: other.attentionHeads ?? attentionHeads,
                          channels: other.channels ?? channels, imageSize: other.imageSize ?? imageSize,
                          patchSize: other.patchSize ?? patchSize, hiddenActivation: other.hiddenActivation ?? hiddenActivation,
                          layerNormEpsilon: other.layerNormEpsilon ?? layerNormEpsilon)
        }
    }

    /// A size written as one number or as `[height, width]`.
    public struct SquareSize: Decodable, Sendable, Equatable {
        public var height: Int
        public var width: Int

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let side = try? container.decode(Int.self) {
                (height, width) = (side, side)
            } else {
                let sides = try container.decode([Int].self)
                guard sides.count == 2 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a size or [height, width], got \(sides)")
                }
                (height, width) = (sides[0], sides[1])
            }
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        projectionDimension = try container.decodeIfPresent(Int.self, forKey: .projectionDimension)
        text = (try container.decodeIfPresent(Text.self, forKey: .text) ?? Text())
            .overridden(by: try container.decodeIfPresent(Text.self, forKey: .textOverrides))
        vision = (try container.decodeIfPresent(Vision.self, forKey: .vision) ?? Vision())
            .overridden(by: try container.decodeIfPresent(Vision.self, forKey: .visionOverrides))
    }

    /// Reads `config.json`.
    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
    }

    /// Our configuration for the same model. Throws for what our towers do not implement
    /// (non-square images, other than 3 channels, unknown activations, several end-of-text ids).
    public func clipConfiguration(source: String = "config.json") throws -> CLIPConfiguration {
        let projection = projectionDimension ?? 512
        return CLIPConfiguration(vision: .visionTransformer(try vision.configuration(projection: projection, source: source)),
                                 text: try text.configuration(projection: projection, source: source))
    }

    /// A `hidden_act` name as our activation.
    static func activation(_ name: String?, source: String) throws -> Activation {
        switch name ?? "quick_gelu" {
        case "quick_gelu": return .quickGELU
        case "gelu": return .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": return .geluTanh
        case "relu": return .relu
        case "silu", "swish": return .silu
        case let other: throw ModelError.unsupportedConfiguration(source: source, reason: "hidden_act \(other)")
        }
    }
}

extension HuggingFaceCLIPConfiguration.Text {
    /// Our text tower for these settings, projecting to `projection` (nil: no `text_projection`,
    /// Hugging Face's `CLIPTextModel`).
    public func configuration(projection: Int?, source: String = "config.json") throws -> TextTransformerConfiguration {
        let width = hiddenSize ?? 512, heads = attentionHeads ?? 8
        guard width % heads == 0 else {
            throw ModelError.unsupportedConfiguration(source: source, reason: "hidden_size not divisible by num_attention_heads")
        }
        // transformers pools the highest token id when eos_token_id is the legacy 2, else the first eos.
        let endOfText = endOfTextTokenID ?? 49407
        let configuration = TextTransformerConfiguration(
            contextLength: maximumPositions ?? 77, vocabularySize: vocabularySize ?? 49408, width: width,
            layers: hiddenLayers ?? 12, heads: heads, mlpWidth: intermediateSize ?? 2048,
            outputDimension: projection ?? width, activation: try HuggingFaceCLIPConfiguration.activation(hiddenActivation, source: source),
            layerNormEpsilon: layerNormEpsilon ?? 1e-5,
            pooling: endOfText == 2 ? .highestTokenID : .firstOccurrence(of: endOfText))
        return projection == nil ? configuration.withoutProjection() : configuration
    }
}

extension HuggingFaceCLIPConfiguration.Vision {
    /// Our vision tower for these settings, projecting to `projection`.
    public func configuration(projection: Int, source: String = "config.json") throws -> VisionTransformerConfiguration {
        let imageSize = imageSize ?? .init(side: 224), patchSize = patchSize ?? .init(side: 32)
        guard imageSize.height == imageSize.width, patchSize.height == patchSize.width else {
            throw ModelError.unsupportedConfiguration(source: source, reason: "non-square image_size or patch_size")
        }
        guard imageSize.width % patchSize.width == 0 else {
            throw ModelError.unsupportedConfiguration(
                source: source, reason: "image_size \(imageSize.width) is not a multiple of patch_size \(patchSize.width)")
        }
        guard (channels ?? 3) == 3 else {
            throw ModelError.unsupportedConfiguration(source: source, reason: "num_channels \(channels ?? 3)")
        }
        let width = hiddenSize ?? 768, heads = attentionHeads ?? 12
        guard width % heads == 0 else {
            throw ModelError.unsupportedConfiguration(source: source, reason: "hidden_size not divisible by num_attention_heads")
        }
        return VisionTransformerConfiguration(
            imageSize: imageSize.width, patchSize: patchSize.width, width: width, layers: hiddenLayers ?? 12, heads: heads,
            mlpWidth: intermediateSize ?? 3072, outputDimension: projection,
            activation: try HuggingFaceCLIPConfiguration.activation(hiddenActivation, source: source),
            layerNormEpsilon: layerNormEpsilon ?? 1e-5)
    }
}

extension HuggingFaceCLIPConfiguration.SquareSize {
    init(side: Int) { (height, width) = (side, side) }
}
