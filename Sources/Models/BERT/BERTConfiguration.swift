import Foundation
import NN

/// The shape of a BERT encoder (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional
/// Transformers for Language Understanding"): `layers` post-LN transformer blocks of width
/// `hiddenSize` with `attentionHeads` heads and a feed-forward layer of `intermediateSize`, over
/// word + position + token-type embeddings.
///
/// Read from a Hugging Face `config.json`; the coding keys are its names (`hidden_size`,
/// `num_hidden_layers`, `hidden_act`, …). `model_type` picks how positions are numbered:
/// BERT counts 0, 1, 2, …; RoBERTa (Liu et al. 2019) and its relatives count from
/// `pad_token_id + 1` over real tokens and give padding the position `pad_token_id`.
public struct BERTConfiguration: Codable, Sendable, Equatable {
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var attentionHeads: Int
    /// Width of each block's feed-forward layer.
    public var intermediateSize: Int
    /// The feed-forward activation (`hidden_act`).
    public var hiddenActivation: Activation
    public var layerNormEpsilon: Float
    /// Rows of the position table: the longest input.
    public var maximumPositions: Int
    /// Rows of the token-type (segment) table.
    public var tokenTypes: Int
    public var paddingTokenID: Int
    /// How position ids are assigned.
    public var positionNumbering: PositionNumbering

    /// How a model family numbers positions.
    public enum PositionNumbering: String, Codable, Sendable {
        /// 0, 1, 2, … for every token, padding included (BERT).
        case sequential
        /// pad + 1, pad + 2, … over tokens that are not padding; padding gets pad (RoBERTa's
        /// `create_position_ids_from_input_ids`).
        case afterPadding
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case layers = "num_hidden_layers"
        case attentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenActivation = "hidden_act"
        case layerNormEpsilon = "layer_norm_eps"
        case maximumPositions = "max_position_embeddings"
        case tokenTypes = "type_vocab_size"
        case paddingTokenID = "pad_token_id"
        case positionEmbeddingType = "position_embedding_type"
        case modelType = "model_type"
    }

    public init(vocabularySize: Int, hiddenSize: Int, layers: Int, attentionHeads: Int, intermediateSize: Int,
                hiddenActivation: Activation = .gelu, layerNormEpsilon: Float = 1e-12, maximumPositions: Int = 512,
                tokenTypes: Int = 2, paddingTokenID: Int = 0, positionNumbering: PositionNumbering = .sequential) {
        precondition(hiddenSize % attentionHeads == 0, "hidden size \(hiddenSize) is not divisible by \(attentionHeads) heads")
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.attentionHeads = attentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenActivation = hiddenActivation
        self.layerNormEpsilon = layerNormEpsilon
        self.maximumPositions = maximumPositions
        self.tokenTypes = tokenTypes
        self.paddingTokenID = paddingTokenID
        self.positionNumbering = positionNumbering
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let hiddenSize = try container.decode(Int.self, forKey: .hiddenSize)
        let heads = try container.decode(Int.self, forKey: .attentionHeads)
        guard heads > 0, hiddenSize % heads == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .attentionHeads, in: container,
                                                   debugDescription: "hidden_size \(hiddenSize) is not divisible by \(heads) heads")
        }
        let positionType = try container.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? "absolute"
        guard positionType == "absolute" else {
            throw DecodingError.dataCorruptedError(forKey: .positionEmbeddingType, in: container,
                                                   debugDescription: "position_embedding_type \(positionType) is not supported (only absolute)")
        }
        let activationName = try container.decodeIfPresent(String.self, forKey: .hiddenActivation) ?? "gelu"
        guard let activation = Self.activation(named: activationName) else {
            throw DecodingError.dataCorruptedError(forKey: .hiddenActivation, in: container,
                                                   debugDescription: "hidden_act \(activationName) is not supported")
        }
        let modelType = try container.decodeIfPresent(String.self, forKey: .modelType) ?? "bert"
        guard modelType == "bert" || Self.robertaFamily.contains(modelType) else {
            throw DecodingError.dataCorruptedError(forKey: .modelType, in: container,
                                                   debugDescription: "model_type \(modelType) is not a BERT-architecture encoder")
        }
        self.init(vocabularySize: try container.decode(Int.self, forKey: .vocabularySize),
                  hiddenSize: hiddenSize,
                  layers: try container.decode(Int.self, forKey: .layers),
                  attentionHeads: heads,
                  intermediateSize: try container.decode(Int.self, forKey: .intermediateSize),
                  hiddenActivation: activation,
                  layerNormEpsilon: try container.decodeIfPresent(Float.self, forKey: .layerNormEpsilon) ?? 1e-12,
                  maximumPositions: try container.decodeIfPresent(Int.self, forKey: .maximumPositions) ?? 512,
                  tokenTypes: try container.decodeIfPresent(Int.self, forKey: .tokenTypes) ?? 2,
                  paddingTokenID: try container.decodeIfPresent(Int.self, forKey: .paddingTokenID) ?? 0,
                  positionNumbering: Self.robertaFamily.contains(modelType) ? .afterPadding : .sequential)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(vocabularySize, forKey: .vocabularySize)
        try container.encode(hiddenSize, forKey: .hiddenSize)
        try container.encode(layers, forKey: .layers)
        try container.encode(attentionHeads, forKey: .attentionHeads)
        try container.encode(intermediateSize, forKey: .intermediateSize)
        try container.encode(hiddenActivation.rawValue, forKey: .hiddenActivation)
        try container.encode(layerNormEpsilon, forKey: .layerNormEpsilon)
        try container.encode(maximumPositions, forKey: .maximumPositions)
        try container.encode(tokenTypes, forKey: .tokenTypes)
        try container.encode(paddingTokenID, forKey: .paddingTokenID)
        try container.encode("absolute", forKey: .positionEmbeddingType)
        try container.encode(positionNumbering == .afterPadding ? "roberta" : "bert", forKey: .modelType)
    }

    /// Reads a Hugging Face `config.json`.
    public init(contentsOf url: URL) throws {
        self = try decodeJSONFile(Self.self, at: url)
    }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / attentionHeads }

    /// Hugging Face `model_type`s whose positions follow RoBERTa's numbering.
    static let robertaFamily: Set<String> = ["roberta", "xlm-roberta", "camembert"]

    /// The activation for a Hugging Face `hidden_act` name (transformers' `ACT2FN`).
    public static func activation(named name: String) -> Activation? {
        switch name {
        case "gelu": .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": .geluTanh
        case "quick_gelu": .quickGELU
        case "relu": .relu
        case "relu6": .relu6
        case "silu", "swish": .silu
        case "tanh": .tanh
        case "sigmoid": .sigmoid
        default: nil
        }
    }

    /// sentence-transformers all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM; Reimers & Gurevych 2019):
    /// 6 layers of width 384, 12 heads, uncased English vocabulary of 30,522.
    public static let allMiniLML6V2 = Self(vocabularySize: 30_522, hiddenSize: 384, layers: 6, attentionHeads: 12,
                                           intermediateSize: 1_536)
    /// BERT-base (Devlin et al. 2019), uncased English vocabulary.
    public static let bertBaseUncased = Self(vocabularySize: 30_522, hiddenSize: 768, layers: 12, attentionHeads: 12,
                                             intermediateSize: 3_072)
    /// Chinese RoBERTa-wwm-ext base (Cui et al. 2021), a BERT-architecture model: the text tower of
    /// Chinese-CLIP ViT-B/16, ViT-L/14 and ViT-L/14@336.
    public static let chineseRoBERTaWWMExtBase = Self(vocabularySize: 21_128, hiddenSize: 768, layers: 12, attentionHeads: 12,
                                                      intermediateSize: 3_072)
    /// Chinese RoBERTa-wwm-ext large: the text tower of Chinese-CLIP ViT-H/14.
    public static let chineseRoBERTaWWMExtLarge = Self(vocabularySize: 21_128, hiddenSize: 1_024, layers: 24, attentionHeads: 16,
                                                       intermediateSize: 4_096)
    /// RBT3, the first 3 layers of Chinese RoBERTa-wwm-ext base: the text tower of Chinese-CLIP RN50.
    public static let chineseRBT3 = Self(vocabularySize: 21_128, hiddenSize: 768, layers: 3, attentionHeads: 12,
                                         intermediateSize: 3_072)
}
