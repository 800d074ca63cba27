/// The `captioner` section, read by the task `captioner`: the text-to-face issue's text
/// reconstruction module (a Show-Attend-and-Tell captioner on frozen EfficientNet-Lite0 regions)
/// trained on photos with their synthesised captions, and the face attribute classifier (linear
/// heads on the same frozen features) that later checks generated faces.
///
/// ```json
/// "captioner": {
///   "data": {"person_folders": "data/orl-faces", "attributes": "data/orl-faces/attributes.csv",
///            "people": [0, 27], "validation_people": [27, 40], "image_size": 128, "channels": 1},
///   "embedding_width": 128, "hidden_width": 256, "attention_width": 128, "gated": true,
///   "attention_penalty": 1.0, "batch_size": 32, "minimum_word_count": 1, "beam_width": 3,
///   "attribute_steps": 300, "attribute_learning_rate": 0.01
/// }
/// ```
///
/// - `data`: as the `diffusion` section's (`DiffusionTaskConfiguration.Data`); `image_size` is the
///   side the encoder sees (L = ⌈size/32⌉² regions).
/// - `embedding_width` (m), `hidden_width` (n), `attention_width`: the decoder's sizes.
/// - `gated`: scale the context by Xu et al.'s gating scalar σ(f_β(h)).
/// - `attention_penalty`: λ of the doubly stochastic attention term of L_TRL.
/// - `minimum_word_count`: training-caption words seen fewer times become `<unk>`.
/// - `beam_width`: the beam of the evaluation's beam-search captions.
/// - `attribute_steps`, `attribute_learning_rate`: full-batch Adam fitting the attribute classifier.
public struct CaptionerTaskConfiguration: Codable, Sendable, Equatable {
    public var data: DiffusionTaskConfiguration.Data
    public var embeddingWidth: Int
    public var hiddenWidth: Int
    public var attentionWidth: Int
    public var gated: Bool
    public var attentionPenalty: Float
    public var batchSize: Int
    public var minimumWordCount: Int
    public var beamWidth: Int
    public var attributeSteps: Int
    public var attributeLearningRate: Float

    public init(data: DiffusionTaskConfiguration.Data = DiffusionTaskConfiguration.Data(imageSize: 128), embeddingWidth: Int = 128,
                hiddenWidth: Int = 256, attentionWidth: Int = 128, gated: Bool = true, attentionPenalty: Float = 1, batchSize: Int = 32,
                minimumWordCount: Int = 1, beamWidth: Int = 3, attributeSteps: Int = 300, attributeLearningRate: Float = 1e-2) {
        self.data = data
        self.embeddingWidth = embeddingWidth
        self.hiddenWidth = hiddenWidth
        self.attentionWidth = attentionWidth
        self.gated = gated
        self.attentionPenalty = attentionPenalty
        self.batchSize = batchSize
        self.minimumWordCount = minimumWordCount
        self.beamWidth = beamWidth
        self.attributeSteps = attributeSteps
        self.attributeLearningRate = attributeLearningRate
    }

    enum CodingKeys: String, CodingKey {
        case data, embeddingWidth = "embedding_width", hiddenWidth = "hidden_width", attentionWidth = "attention_width", gated
        case attentionPenalty = "attention_penalty", batchSize = "batch_size", minimumWordCount = "minimum_word_count"
        case beamWidth = "beam_width", attributeSteps = "attribute_steps", attributeLearningRate = "attribute_learning_rate"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CaptionerTaskConfiguration()
        data = try container.decodeIfPresent(DiffusionTaskConfiguration.Data.self, forKey: .data) ?? defaults.data
        embeddingWidth = try container.decodeIfPresent(Int.self, forKey: .embeddingWidth) ?? defaults.embeddingWidth
        hiddenWidth = try container.decodeIfPresent(Int.self, forKey: .hiddenWidth) ?? defaults.hiddenWidth
        attentionWidth = try container.decodeIfPresent(Int.self, forKey: .attentionWidth) ?? defaults.attentionWidth
        gated = try container.decodeIfPresent(Bool.self, forKey: .gated) ?? defaults.gated
        attentionPenalty = try container.decodeIfPresent(Float.self, forKey: .attentionPenalty) ?? defaults.attentionPenalty
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
        minimumWordCount = try container.decodeIfPresent(Int.self, forKey: .minimumWordCount) ?? defaults.minimumWordCount
        beamWidth = try container.decodeIfPresent(Int.self, forKey: .beamWidth) ?? defaults.beamWidth
        attributeSteps = try container.decodeIfPresent(Int.self, forKey: .attributeSteps) ?? defaults.attributeSteps
        attributeLearningRate = try container.decodeIfPresent(Float.self, forKey: .attributeLearningRate) ?? defaults.attributeLearningRate
    }
}
