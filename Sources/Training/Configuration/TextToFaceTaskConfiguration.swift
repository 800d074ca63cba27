/// The `text2face` section, read by the task `text2face`: the text-to-face seed paper's text
/// mapping stage (§5.2, Eq. 10). The text encoder of a registry model gives s; conditioning
/// augmentation and an 8-layer mapping network give w; a frozen pretrained StyleGAN2 generator
/// renders it; the frozen supervisor scores the image against the caption. Only conditioning
/// augmentation and the mapping network are trained.
///
/// ```json
/// "text2face": {
///   "data": {"person_folders": "data/orl-faces", "attributes": "data/orl-faces/attributes.csv",
///            "people": [0, 27], "validation_people": [27, 40], "image_size": 64, "channels": 1},
///   "generator": "runs/text2face-generator", "captioner": "runs/text2face-captioner",
///   "text_model": "clipkit-default", "supervision": "text_reconstruction",
///   "kl_weight": 1, "supervision_weight": 5, "batch_size": 8, "truncation": 1,
///   "initialize_from_generator": true, "validation_captions": 32, "sample_count": 16
/// }
/// ```
///
/// The `data` section may instead read Fashion-MNIST (`"source": "fashion_mnist"`, see
/// `CaptionedImageSource`): `"data": {"source": "fashion_mnist", "items": [0, 6000],
/// "validation_items": [0, 1000], "image_size": 32}`.
///
/// - `data`: the people whose synthesised captions train (`people`) and validate
///   (`validation_people`); `image_size`/`channels` are those of the real photos the evaluation
///   compares with (the generator's own size decides what is rendered).
/// - `generator`: a `stylegan` run folder (or its `model/`); `captioner`: a `captioner` run folder.
/// - `text_model`: the registry model whose text tower gives s (`ModelRegistry.load` names).
/// - `supervision`: `text_reconstruction` (the paper: L = λ1·L_KL + λ2·L_TRL through the frozen
///   captioner) or `clip_similarity` (the ablation of the paper's Table 3: the text reconstruction
///   term replaced by 1 − cos(E_I(G(w)), E_T(t)) with the same registry model's image tower,
///   StyleCLIP's latent-mapper CLIP loss).
/// - `kl_weight` (λ1), `supervision_weight` (λ2): the weights of Eq. 10 (the paper: 1 and 5).
/// - `batch_size`: captions per step; `truncation`: ψ towards the generator's mean w, in training
///   and as the default when generating.
/// - `initialize_from_generator`: start the mapping network from the generator's own mapping
///   network (z ~ N(0, I) then already lands in the generator's W), else from a fresh draw.
/// - `validation_captions`: held-out captions scored after every epoch (fixed ε and noise).
/// - `sample_count`: images in the grid of held-out captions written at the end of a run.
/// - `log_variance_bias` (optional, default: none): start conditioning augmentation's log σ² outputs
///   from this bias (their weights unchanged), e.g. −4 for σ ≈ 0.14, so that z = μ + σ·ε starts
///   closer to μ(s) than to the noise (with the default draw σ ≈ 1 and μ ≈ 0: z ≈ ε).
/// - `mapping_learning_rate_scale` (default 1): the mapping network's learning rate relative to the
///   optimiser's (conditioning augmentation always learns at the optimiser's rate). It multiplies the
///   network's own equalised-learning-rate multiplier (0.01 in StyleGAN2), so at 1 the network moves
///   100× slower than CA already. 0 freezes it (no gradient is recorded for its weights): with
///   `initialize_from_generator` every z the text picks then lands on the generator's own W.
/// - `center_text_features` (default false): conditioning augmentation sees s minus the mean s of
///   the training captions during training, and the mean is folded into its bias when the model is
///   saved (W·(s − s̄) + b = W·s + (b − W·s̄)), so saved models read raw s as before. Captions of one
///   text tower share most of s, so without it Adam's per-element steps on W mostly follow the
///   shared part, which moves μ alike for every caption; centred, they follow what tells captions apart.
public struct TextToFaceTaskConfiguration: Codable, Sendable, Equatable {
    public enum Supervision: String, Codable, Sendable, CaseIterable {
        case textReconstruction = "text_reconstruction"
        case clipSimilarity = "clip_similarity"
    }

    public var data: DiffusionTaskConfiguration.Data
    public var generator: String
    public var captioner: String
    public var textModel: String
    public var supervision: Supervision
    public var klWeight: Float
    public var supervisionWeight: Float
    public var batchSize: Int
    public var truncation: Float
    public var initializeFromGenerator: Bool
    public var validationCaptions: Int
    public var sampleCount: Int
    /// The conditioning augmentation's log σ² bias at the start (nil: the layer's default draw).
    public var logVarianceBias: Float?
    /// The mapping network's learning rate relative to the optimiser's (0: frozen).
    public var mappingLearningRateScale: Float
    /// Train conditioning augmentation on s minus the training captions' mean s (folded into its bias on saving).
    public var centerTextFeatures: Bool

    public init(data: DiffusionTaskConfiguration.Data = DiffusionTaskConfiguration.Data(imageSize: 64),
                generator: String = "runs/text2face-generator", captioner: String = "runs/text2face-captioner",
                textModel: String = "clipkit-default", supervision: Supervision = .textReconstruction, klWeight: Float = 1,
                supervisionWeight: Float = 5, batchSize: Int = 8, truncation: Float = 1, initializeFromGenerator: Bool = true,
                validationCaptions: Int = 32, sampleCount: Int = 16, logVarianceBias: Float? = nil,
                mappingLearningRateScale: Float = 1, centerTextFeatures: Bool = false) {
        self.data = data
        self.generator = generator
        self.captioner = captioner
        self.textModel = textModel
        self.supervision = supervision
        self.klWeight = klWeight
        self.supervisionWeight = supervisionWeight
        self.batchSize = batchSize
        self.truncation = truncation
        self.initializeFromGenerator = initializeFromGenerator
        self.validationCaptions = validationCaptions
        self.sampleCount = sampleCount
        self.logVarianceBias = logVarianceBias
        self.mappingLearningRateScale = mappingLearningRateScale
        self.centerTextFeatures = centerTextFeatures
    }

    enum CodingKeys: String, CodingKey {
        case data, generator, captioner, textModel = "text_model", supervision, klWeight = "kl_weight"
        case supervisionWeight = "supervision_weight", batchSize = "batch_size", truncation
        case initializeFromGenerator = "initialize_from_generator", validationCaptions = "validation_captions"
        case sampleCount = "sample_count", logVarianceBias = "log_variance_bias"
        case mappingLearningRateScale = "mapping_learning_rate_scale", centerTextFeatures = "center_text_features"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TextToFaceTaskConfiguration()
        data = try container.decodeIfPresent(DiffusionTaskConfiguration.Data.self, forKey: .data) ?? defaults.data
        generator = try container.decodeIfPresent(String.self, forKey: .generator) ?? defaults.generator
        captioner = try container.decodeIfPresent(String.self, forKey: .captioner) ?? defaults.captioner
        textModel = try container.decodeIfPresent(String.self, forKey: .textModel) ?? defaults.textModel
        supervision = try container.decodeIfPresent(Supervision.self, forKey: .supervision) ?? defaults.supervision
        klWeight = try container.decodeIfPresent(Float.self, forKey: .klWeight) ?? defaults.klWeight
        supervisionWeight = try container.decodeIfPresent(Float.self, forKey: .supervisionWeight) ?? defaults.supervisionWeight
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
        truncation = try container.decodeIfPresent(Float.self, forKey: .truncation) ?? defaults.truncation
        initializeFromGenerator = try container.decodeIfPresent(Bool.self, forKey: .initializeFromGenerator) ?? defaults.initializeFromGenerator
        validationCaptions = try container.decodeIfPresent(Int.self, forKey: .validationCaptions) ?? defaults.validationCaptions
        sampleCount = try container.decodeIfPresent(Int.self, forKey: .sampleCount) ?? defaults.sampleCount
        logVarianceBias = try container.decodeIfPresent(Float.self, forKey: .logVarianceBias)
        mappingLearningRateScale = try container.decodeIfPresent(Float.self, forKey: .mappingLearningRateScale)
            ?? defaults.mappingLearningRateScale
        centerTextFeatures = try container.decodeIfPresent(Bool.self, forKey: .centerTextFeatures) ?? defaults.centerTextFeatures
    }
}
