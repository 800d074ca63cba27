/// The sizes of an `AttentionCaptioner` (the seed paper's §5.2 names: S words, m-wide word
/// embeddings and deep output, n-wide LSTM, D-wide region features), stored as `captioner.json`
/// in a trained captioner's folder.
///
/// ```json
/// {"vocabulary_size": 40, "feature_width": 1280, "embedding_width": 128, "hidden_width": 256,
///  "attention_width": 128, "gated": true, "attention_penalty": 1.0}
/// ```
///
/// - `gated`: the context is scaled by the gating scalar σ(f_β(h_{k−1})) of Xu et al. §4.2.1.
/// - `attention_penalty`: λ of the doubly stochastic term in L_TRL (Eq. 9 has λ = 1).
public struct AttentionCaptionerConfiguration: Codable, Sendable, Equatable {
    public var vocabularySize: Int
    public var featureWidth: Int
    public var embeddingWidth: Int
    public var hiddenWidth: Int
    public var attentionWidth: Int
    public var gated: Bool
    public var attentionPenalty: Float

    public init(vocabularySize: Int, featureWidth: Int = 1280, embeddingWidth: Int = 128, hiddenWidth: Int = 256,
                attentionWidth: Int = 128, gated: Bool = true, attentionPenalty: Float = 1) {
        self.vocabularySize = vocabularySize
        self.featureWidth = featureWidth
        self.embeddingWidth = embeddingWidth
        self.hiddenWidth = hiddenWidth
        self.attentionWidth = attentionWidth
        self.gated = gated
        self.attentionPenalty = attentionPenalty
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocabulary_size", featureWidth = "feature_width", embeddingWidth = "embedding_width"
        case hiddenWidth = "hidden_width", attentionWidth = "attention_width", gated, attentionPenalty = "attention_penalty"
    }
}
