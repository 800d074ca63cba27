import Foundation

/// The `config.json` of a Multilingual-CLIP text model (Carlsson, Eisen, Rekathati and Sahlgren
/// 2022, "Cross-lingual and Multilingual CLIP"; the `M-CLIP/…` hub repositories, clip-retrieval's
/// `use_mclip`): `model_type` "M-CLIP", the transformer's width (`transformerDimensions`), the
/// CLIP embedding width it projects to (`numDims`) and the base model (`modelBase`). Files whose
/// config derives from `XLMRobertaConfig` also carry the encoder's own fields, read when present.
public struct MultilingualCLIPConfiguration: Codable, Sendable, Equatable {
    public var transformerDimensions: Int
    /// Width of the CLIP space the text is projected into.
    public var embeddingDimension: Int
    public var modelBase: String?
    public var attentionHeads: Int?
    public var layerNormEpsilon: Float?
    public var paddingTokenID: Int?
    public var hiddenActivation: String?

    enum CodingKeys: String, CodingKey {
        case transformerDimensions, embeddingDimension = "numDims", modelBase, attentionHeads = "num_attention_heads"
        case layerNormEpsilon = "layer_norm_eps", paddingTokenID = "pad_token_id", hiddenActivation = "hidden_act"
    }

    /// Reads a `config.json`.
    public init(contentsOf url: URL) throws {
        self = try decodeJSONFile(Self.self, at: url)
    }

    /// Whether `directory` holds an M-CLIP model (`config.json` with `model_type` "M-CLIP").
    public static func recognizes(_ directory: URL) -> Bool {
        struct ModelType: Decodable { let model_type: String? }
        let url = directory.appendingPathComponent("config.json")
        guard let data = try? Data(contentsOf: url), let type = try? JSONDecoder().decode(ModelType.self, from: data) else { return false }
        return type.model_type == "M-CLIP"
    }

    /// The CLIP whose image tower an M-CLIP text model of this name was trained against, as a
    /// model reference (`ViT-B-32/openai`), from the repository name's suffix; nil when unknown.
    public static func pairedImageModel(forName name: String) -> String? {
        let lowered = name.lowercased()
        let pairs: [(suffix: String, model: String)] = [
            ("vit-b-32", "ViT-B-32/openai"), ("vit-l-14", "ViT-L-14/openai"), ("vit-b-16plus", "ViT-B-16-plus-240/laion400m_e32"),
        ]
        return pairs.first { lowered.hasSuffix($0.suffix) || lowered.contains($0.suffix + "@") }?.model
    }
}
