import Foundation
import NN

/// The text tower of a Chinese-CLIP model (Yang et al. 2022, "Chinese CLIP: Contrastive
/// Vision-Language Pretraining in Chinese"): a BERT-architecture RoBERTa-wwm-ext encoder whose
/// `[CLS]` state is projected to the joint embedding of width `embedDimension`.
///
/// Coding keys are cn_clip's model-config names: `embed_dim` from its vision config and
/// `vocab_size`, `text_hidden_size`, `text_num_hidden_layers`, … from its text config (cn_clip
/// merges the two files into one dictionary). LayerNorm ε is 1e-12, fixed by cn_clip.
public struct ChineseCLIPTextConfiguration: Codable, Sendable, Equatable {
    /// Width of the joint image–text embedding.
    public var embedDimension: Int
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var attentionHeads: Int
    public var intermediateSize: Int
    public var hiddenActivation: String
    public var maximumPositions: Int
    public var tokenTypes: Int

    enum CodingKeys: String, CodingKey {
        case embedDimension = "embed_dim"
        case vocabularySize = "vocab_size"
        case hiddenSize = "text_hidden_size"
        case layers = "text_num_hidden_layers"
        case attentionHeads = "text_num_attention_heads"
        case intermediateSize = "text_intermediate_size"
        case hiddenActivation = "text_hidden_act"
        case maximumPositions = "text_max_position_embeddings"
        case tokenTypes = "text_type_vocab_size"
    }

    public init(embedDimension: Int, encoder: BERTConfiguration) {
        self.embedDimension = embedDimension
        vocabularySize = encoder.vocabularySize
        hiddenSize = encoder.hiddenSize
        layers = encoder.layers
        attentionHeads = encoder.attentionHeads
        intermediateSize = encoder.intermediateSize
        hiddenActivation = encoder.hiddenActivation.rawValue
        maximumPositions = encoder.maximumPositions
        tokenTypes = encoder.tokenTypes
    }

    /// cn_clip's pair of config files (`model_configs/<vision>.json` holds `embed_dim`,
    /// `model_configs/<text>.json` the text tower), merged as cn_clip's `create_model` does.
    public init(visionConfiguration: URL, textConfiguration: URL) throws {
        var merged: [String: Any] = [:]
        for url in [visionConfiguration, textConfiguration] {
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw ModelError.unreadableFile(path: url.path, reason: error.localizedDescription)
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ModelError.invalidConfiguration(path: url.path, reason: "not a JSON object")
            }
            merged.merge(object) { _, new in new }
        }
        let data = try JSONSerialization.data(withJSONObject: merged)
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw ModelError.invalidConfiguration(path: textConfiguration.path, reason: "\(error)")
        }
    }

    /// The encoder's configuration; fails for an activation transformers does not name.
    public func encoderConfiguration() throws -> BERTConfiguration {
        guard let activation = BERTConfiguration.activation(named: hiddenActivation) else {
            throw ModelError.invalidConfiguration(path: "text_hidden_act", reason: "\(hiddenActivation) is not supported")
        }
        guard attentionHeads > 0, hiddenSize % attentionHeads == 0 else {
            throw ModelError.invalidConfiguration(
                path: "text_num_attention_heads", reason: "\(hiddenSize) is not divisible by \(attentionHeads) heads")
        }
        return BERTConfiguration(vocabularySize: vocabularySize, hiddenSize: hiddenSize, layers: layers,
                                 attentionHeads: attentionHeads, intermediateSize: intermediateSize,
                                 hiddenActivation: activation, layerNormEpsilon: 1e-12, maximumPositions: maximumPositions,
                                 tokenTypes: tokenTypes, paddingTokenID: 0)
    }

    /// ViT-B/16, ViT-L/14 and ViT-L/14@336 pair RoBERTa-wwm-ext base with embeddings of 512, 768, 768.
    public static let vitB16 = Self(embedDimension: 512, encoder: .chineseRoBERTaWWMExtBase)
    public static let vitL14 = Self(embedDimension: 768, encoder: .chineseRoBERTaWWMExtBase)
    public static let vitL14At336 = vitL14
    /// ViT-H/14 pairs RoBERTa-wwm-ext large with 1024-wide embeddings.
    public static let vitH14 = Self(embedDimension: 1_024, encoder: .chineseRoBERTaWWMExtLarge)
    /// RN50 pairs RBT3 with 1024-wide embeddings.
    public static let rn50 = Self(embedDimension: 1_024, encoder: .chineseRBT3)
}
