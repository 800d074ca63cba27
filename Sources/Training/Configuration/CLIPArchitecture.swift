import Models
import NN

/// The shape of a CLIP built from scratch by task `clip_from_scratch` (a ViT image tower and a
/// causal text transformer, Radford et al. 2021), as the `contrastive.architecture` section:
///
/// ```json
/// {"embed_dim": 64, "activation": "gelu",
///  "vision": {"image_size": 64, "patch_size": 8, "width": 64, "layers": 2, "heads": 4},
///  "text": {"context_length": 16, "vocab_size": 49408, "width": 64, "layers": 2, "heads": 4}}
/// ```
///
/// Every field is optional with the defaults shown (a tiny CLIP that trains on two CPU cores).
/// MLPs are 4× wide; the vocabulary must cover the CLIP tokenizer's 49,408 ids.
public struct CLIPArchitecture: Codable, Sendable, Equatable {
    public struct Vision: Codable, Sendable, Equatable {
        public var imageSize: Int
        public var patchSize: Int
        public var width: Int
        public var layers: Int
        public var heads: Int

        public init(imageSize: Int = 64, patchSize: Int = 8, width: Int = 64, layers: Int = 2, heads: Int = 4) {
            self.imageSize = imageSize
            self.patchSize = patchSize
            self.width = width
            self.layers = layers
            self.heads = heads
        }

        enum CodingKeys: String, CodingKey {
            case imageSize = "image_size", patchSize = "patch_size", width, layers, heads
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Vision()
            imageSize = try container.decodeIfPresent(Int.self, forKey: .imageSize) ?? defaults.imageSize
            patchSize = try container.decodeIfPresent(Int.self, forKey: .patchSize) ?? defaults.patchSize
            width = try container.decodeIfPresent(Int.self, forKey: .width) ?? defaults.width
            layers = try container.decodeIfPresent(Int.self, forKey: .layers) ?? defaults.layers
            heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? defaults.heads
        }
    }

    public struct Text: Codable, Sendable, Equatable {
        public var contextLength: Int
        public var vocabularySize: Int
        public var width: Int
        public var layers: Int
        public var heads: Int

        public init(contextLength: Int = 16, vocabularySize: Int = 49408, width: Int = 64, layers: Int = 2, heads: Int = 4) {
            self.contextLength = contextLength
            self.vocabularySize = vocabularySize
            self.width = width
            self.layers = layers
            self.heads = heads
        }

        enum CodingKeys: String, CodingKey {
            case contextLength = "context_length", vocabularySize = "vocab_size", width, layers, heads
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Text()
            contextLength = try container.decodeIfPresent(Int.self, forKey: .contextLength) ?? defaults.contextLength
            vocabularySize = try container.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? defaults.vocabularySize
            width = try container.decodeIfPresent(Int.self, forKey: .width) ?? defaults.width
            layers = try container.decodeIfPresent(Int.self, forKey: .layers) ?? defaults.layers
            heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? defaults.heads
        }
    }

    /// Width of both embeddings.
    public var embeddingDimension: Int
    /// MLP activation of both transformers. Default `gelu`.
    public var activation: Activation
    public var vision: Vision
    public var text: Text

    public init(embeddingDimension: Int = 64, activation: Activation = .gelu, vision: Vision = Vision(), text: Text = Text()) {
        self.embeddingDimension = embeddingDimension
        self.activation = activation
        self.vision = vision
        self.text = text
    }

    enum CodingKeys: String, CodingKey { case embeddingDimension = "embed_dim", activation, vision, text }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CLIPArchitecture()
        embeddingDimension = try container.decodeIfPresent(Int.self, forKey: .embeddingDimension) ?? defaults.embeddingDimension
        activation = try container.decodeIfPresent(Activation.self, forKey: .activation) ?? defaults.activation
        vision = try container.decodeIfPresent(Vision.self, forKey: .vision) ?? defaults.vision
        text = try container.decodeIfPresent(Text.self, forKey: .text) ?? defaults.text
    }

    /// The Models configuration, or an error naming the inconsistent field.
    public func clipConfiguration() throws -> CLIPConfiguration {
        func require(_ condition: Bool, _ reason: String) throws {
            if !condition { throw TrainingError.invalidConfiguration("contrastive.architecture: \(reason)") }
        }
        try require(embeddingDimension > 0, "embed_dim must be positive")
        try require(vision.patchSize > 0 && vision.imageSize % vision.patchSize == 0,
                    "vision.image_size \(vision.imageSize) is not a multiple of patch_size \(vision.patchSize)")
        try require(vision.heads > 0 && vision.width % vision.heads == 0, "vision.width is not divisible by vision.heads")
        try require(text.heads > 0 && text.width % text.heads == 0, "text.width is not divisible by text.heads")
        try require(vision.layers > 0 && text.layers > 0, "layers must be positive")
        try require(text.contextLength >= 2, "text.context_length must be at least 2")
        let visionShape = VisionTransformerConfiguration(
            imageSize: vision.imageSize, patchSize: vision.patchSize, width: vision.width, layers: vision.layers,
            heads: vision.heads, outputDimension: embeddingDimension, activation: activation)
        let textShape = TextTransformerConfiguration(
            contextLength: text.contextLength, vocabularySize: text.vocabularySize, width: text.width, layers: text.layers,
            heads: text.heads, outputDimension: embeddingDimension, activation: activation)
        return CLIPConfiguration(vision: .visionTransformer(visionShape), text: textShape)
    }
}
