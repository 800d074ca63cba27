import Foundation
import NN

/// OpenCLIP's model description (`open_clip/model_configs/<name>.json`: `embed_dim`,
/// `quick_gelu`, `vision_cfg`, `text_cfg`) under its own names and defaults (`CLIPVisionCfg`,
/// `CLIPTextCfg`). `clipConfiguration()` turns it into ours, refusing the OpenCLIP options our
/// towers do not implement (timm or Hugging Face towers, attentional pooling, layer scale, …)
/// rather than ignoring them.
public struct OpenCLIPModelConfiguration: Decodable, Sendable, Equatable {
    public var embeddingDimension: Int
    public var quickGELU: Bool?
    public var vision: Vision
    public var text: Text

    enum CodingKeys: String, CodingKey {
        case embeddingDimension = "embed_dim"
        case quickGELU = "quick_gelu"
        case vision = "vision_cfg"
        case text = "text_cfg"
    }

    /// `CLIPVisionCfg`: `layers` is one depth (vision transformer) or four (modified ResNet).
    public struct Vision: Decodable, Sendable, Equatable {
        public var layers: [Int]
        public var isResNet: Bool
        public var width: Int?
        public var headWidth: Int?
        public var mlpRatio: Double?
        public var patchSize: Int?
        public var imageSize: Int?
        public var unsupported: [String]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case layers, width
            case headWidth = "head_width"
            case mlpRatio = "mlp_ratio"
            case patchSize = "patch_size"
            case imageSize = "image_size"
            // Options outside our towers, refused when set to anything but their default.
            case timmModelName = "timm_model_name"
            case attentionalPool = "attentional_pool"
            case layerScale = "ls_init_value"
            case noPreNorm = "no_ln_pre"
            case poolType = "pool_type"
            case finalNormAfterPool = "final_ln_after_pool"
            case positionalEmbeddingType = "pos_embed_type"
            case blockType = "block_type"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let stages = try? container.decode([Int].self, forKey: .layers) {
                (layers, isResNet) = (stages, true)
            } else {
                (layers, isResNet) = ([try container.decodeIfPresent(Int.self, forKey: .layers) ?? 12], false)
            }
            width = try container.decodeIfPresent(Int.self, forKey: .width)
            headWidth = try container.decodeIfPresent(Int.self, forKey: .headWidth)
            mlpRatio = try container.decodeIfPresent(Double.self, forKey: .mlpRatio)
            patchSize = try container.decodeIfPresent(Int.self, forKey: .patchSize)
            imageSize = try container.decodeIfPresent(Int.self, forKey: .imageSize)
            unsupported = OpenCLIPModelConfiguration.nonDefaults(container, [
                (.timmModelName, nil), (.attentionalPool, "false"), (.layerScale, nil), (.noPreNorm, "false"),
                (.poolType, "tok"), (.finalNormAfterPool, "false"), (.positionalEmbeddingType, "learnable"),
                (.blockType, nil),
            ])
        }
    }

    /// `CLIPTextCfg`.
    public struct Text: Decodable, Sendable, Equatable {
        public var contextLength: Int?
        public var vocabularySize: Int?
        public var width: Int?
        public var heads: Int?
        public var layers: Int?
        public var mlpRatio: Double?
        public var unsupported: [String]

        enum CodingKeys: String, CodingKey {
            case contextLength = "context_length"
            case vocabularySize = "vocab_size"
            case width, heads, layers
            case mlpRatio = "mlp_ratio"
            case huggingFaceModelName = "hf_model_name"
            case layerScale = "ls_init_value"
            case embedClassToken = "embed_cls"
            case noCausalMask = "no_causal_mask"
            case finalNormAfterPool = "final_ln_after_pool"
            case poolType = "pool_type"
            case projectionBias = "proj_bias"
            case projectionType = "proj_type"
            case blockType = "block_type"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            contextLength = try container.decodeIfPresent(Int.self, forKey: .contextLength)
            vocabularySize = try container.decodeIfPresent(Int.self, forKey: .vocabularySize)
            width = try container.decodeIfPresent(Int.self, forKey: .width)
            heads = try container.decodeIfPresent(Int.self, forKey: .heads)
            layers = try container.decodeIfPresent(Int.self, forKey: .layers)
            mlpRatio = try container.decodeIfPresent(Double.self, forKey: .mlpRatio)
            unsupported = OpenCLIPModelConfiguration.nonDefaults(container, [
                (.huggingFaceModelName, nil), (.layerScale, nil), (.embedClassToken, "false"), (.noCausalMask, "false"),
                (.finalNormAfterPool, "false"), (.poolType, "argmax"), (.projectionBias, "false"),
                (.projectionType, "linear"), (.blockType, nil),
            ])
        }
    }

    /// Reads a model config JSON file.
    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
    }

    /// Our configuration for the same model, with QuickGELU when `quick_gelu` is true (else GELU).
    public func clipConfiguration(source: String = "the OpenCLIP model config") throws -> CLIPConfiguration {
        let unsupported = vision.unsupported.map { "vision_cfg.\($0)" } + text.unsupported.map { "text_cfg.\($0)" }
        guard unsupported.isEmpty else {
            throw ModelError.unsupportedConfiguration(source: source, reason: unsupported.joined(separator: ", "))
        }
        let activation: Activation = quickGELU == true ? .quickGELU : .gelu
        let headWidth = vision.headWidth ?? 64, visionWidth = vision.width ?? 768
        let image: ImageTowerConfiguration
        if vision.isResNet {
            guard vision.layers.count == 4, (visionWidth * 32) % headWidth == 0 else {
                throw ModelError.unsupportedConfiguration(source: source, reason: "vision_cfg.layers \(vision.layers) with width \(visionWidth)")
            }
            image = .modifiedResNet(ModifiedResNetConfiguration(
                imageSize: vision.imageSize ?? 224, layers: vision.layers, width: visionWidth,
                heads: visionWidth * 32 / headWidth, outputDimension: embeddingDimension))
        } else {
            let patch = vision.patchSize ?? 16, size = vision.imageSize ?? 224
            guard visionWidth % headWidth == 0, size % patch == 0 else {
                throw ModelError.unsupportedConfiguration(
                    source: source, reason: "vision_cfg width \(visionWidth) / head_width \(headWidth), image_size \(size) / patch_size \(patch)")
            }
            image = .visionTransformer(VisionTransformerConfiguration(
                imageSize: size, patchSize: patch, width: visionWidth, layers: vision.layers[0], heads: visionWidth / headWidth,
                mlpWidth: Int(Double(visionWidth) * (vision.mlpRatio ?? 4)), outputDimension: embeddingDimension,
                activation: activation))
        }
        let textWidth = text.width ?? 512, textHeads = text.heads ?? 8
        guard textWidth % textHeads == 0 else {
            throw ModelError.unsupportedConfiguration(source: source, reason: "text_cfg width \(textWidth) / heads \(textHeads)")
        }
        return CLIPConfiguration(vision: image, text: TextTransformerConfiguration(
            contextLength: text.contextLength ?? 77, vocabularySize: text.vocabularySize ?? 49408, width: textWidth,
            layers: text.layers ?? 12, heads: textHeads, mlpWidth: Int(Double(textWidth) * (text.mlpRatio ?? 4)),
            outputDimension: embeddingDimension, activation: activation))
    }

    /// The keys whose value is present and differs from its default (`nil`: any non-null value).
    fileprivate static func nonDefaults<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ defaults: [(Key, String?)]) -> [String] {
        defaults.compactMap { key, expected in
            guard container.contains(key), (try? container.decodeNil(forKey: key)) == false else { return nil }
            let text = (try? container.decode(String.self, forKey: key))
                ?? (try? container.decode(Bool.self, forKey: key)).map { $0 ? "true" : "false" }
            if let expected, text == expected { return nil }
            return key.stringValue
        }
    }
}

extension CLIPConfiguration {
    /// Reads OpenCLIP's model config JSON (`model_configs/ViT-B-32.json`, …).
    public init(openCLIPJSON data: Data, source: String = "the OpenCLIP model config") throws {
        self = try JSONDecoder().decode(OpenCLIPModelConfiguration.self, from: data).clipConfiguration(source: source)
    }
}
