import NN

/// The shape of a CLIP dual encoder (Radford et al. 2021, "Learning Transferable Visual Models From
/// Natural Language Supervision"): an image tower and a text tower that both end in embeddings of
/// `embeddingDimension`.
///
/// Coding keys are OpenCLIP's `vision_cfg` and `text_cfg`; each tower records its own activation
/// and output width. To read OpenCLIP's `model_configs/*.json` use `init(openCLIPJSON:)`, for
/// Hugging Face's `config.json` `HuggingFaceCLIPConfiguration`.
public struct CLIPConfiguration: Codable, Sendable, Equatable {
    public var vision: ImageTowerConfiguration
    public var text: TextTransformerConfiguration

    enum CodingKeys: String, CodingKey {
        case vision = "vision_cfg"
        case text = "text_cfg"
    }

    public init(vision: ImageTowerConfiguration, text: TextTransformerConfiguration) {
        precondition(vision.outputDimension == text.outputDimension,
                     "image embeddings (\(vision.outputDimension)) and text embeddings (\(text.outputDimension)) differ in width")
        self.vision = vision
        self.text = text
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let vision = try container.decode(ImageTowerConfiguration.self, forKey: .vision)
        let text = try container.decode(TextTransformerConfiguration.self, forKey: .text)
        guard vision.outputDimension == text.outputDimension else {
            throw DecodingError.dataCorruptedError(
                forKey: .text, in: container,
                debugDescription: "text output_dim \(text.outputDimension) differs from the image tower's \(vision.outputDimension)")
        }
        self.init(vision: vision, text: text)
    }

    /// Width of both embeddings.
    public var embeddingDimension: Int { text.outputDimension }

    /// The same towers with `activation` in every transformer MLP (the ResNet's ReLUs stay).
    /// OpenAI's weights need `.quickGELU`; most OpenCLIP-trained weights `.gelu`.
    public func with(activation: Activation) -> Self {
        var copy = self
        if case let .visionTransformer(vision) = vision { copy.vision = .visionTransformer(vision.with(activation: activation)) }
        copy.text = text.with(activation: activation)
        return copy
    }

    /// ViT-B/32 with OpenAI's QuickGELU.
    public static let vitB32 = Self(vision: .visionTransformer(.vitB32), text: .vitB32)
    /// ViT-B/16 with OpenAI's QuickGELU.
    public static let vitB16 = Self(vision: .visionTransformer(.vitB16), text: .vitB16)
    /// ViT-L/14 with OpenAI's QuickGELU.
    public static let vitL14 = Self(vision: .visionTransformer(.vitL14), text: .vitL14)
    /// ViT-L/14 at 336 pixels with OpenAI's QuickGELU.
    public static let vitL14At336 = Self(vision: .visionTransformer(.vitL14At336), text: .vitL14At336)
    /// RN50 with OpenAI's QuickGELU in the text tower.
    public static let rn50 = Self(vision: .modifiedResNet(.rn50), text: .rn50)
}
