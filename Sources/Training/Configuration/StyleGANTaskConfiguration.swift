/// The `stylegan` section, read by the task `stylegan`: unconditional StyleGAN2 pretraining
/// (Karras et al. 2020) on photos in person folders, the generator half of the text-to-face
/// system (the seed paper's §3), with the non-saturating logistic loss, lazy R1 on real images
/// (Mescheder et al. 2018) and DiffAugment (Zhao et al. 2020). The architecture fields carry
/// rosinality/stylegan2-pytorch's names; the image side is `data.image_size`:
///
/// ```json
/// "stylegan": {
///   "data": {"person_folders": "data/orl-faces", "people": [0, 27], "image_size": 64, "channels": 1},
///   "style_dim": 128, "n_mlp": 8, "channels": [128, 128, 64, 32, 16], "lr_mlp": 0.01,
///   "batch_size": 16, "r1_gamma": 1, "r1_interval": 16, "augmentation": ["color", "translation", "cutout"],
///   "ema_decay": 0.999, "mean_latent_decay": 0.995, "sample_count": 16
/// }
/// ```
///
/// - `data`: `source` `person_folders` (default): people at the half-open range of person-folder
///   positions `people`; `fashion_mnist`: the items `items` of the idx training set in
///   `fashion_mnist_folder`, padded to 32×32 (`CaptionedImageSource`). Images are squashed to
///   `image_size`² (a power of two ≥ 8) with `channels` 1 (grey) or 3, scaled to [−1, 1].
/// - `style_dim`, `n_mlp`, `lr_mlp`: width of z and w, mapping layers, the mapping network's
///   learning-rate multiplier; `channels`: feature channels at 4, 8, …, `image_size`.
/// - `batch_size`: photos per step (a multiple of 4 or below 4, for the minibatch standard deviation).
/// - `r1_gamma`, `r1_interval`: γ of the R1 penalty and StyleGAN2's lazy regularisation interval
///   (the penalty, weighted γ·interval, is added every `r1_interval` discriminator steps; 0 γ: none).
/// - `augmentation`: DiffAugment policies applied to every image the discriminator sees.
/// - `ema_decay`: decay of the generator's moving average, the saved `g_ema` (warm-up (1 + t)/(10 + t)).
/// - `mean_latent_decay`: the tracked mean w̄ for truncation follows w̄ ← β·w̄ + (1 − β)·mean(w) each step.
/// - `sample_count`: images in the sample grid written at the end of a run.
///
/// Both optimisers come from `optimizer` (StyleGAN2: Adam, β = (0, 0.99), learning rate 0.002).
public struct StyleGANTaskConfiguration: Codable, Sendable, Equatable {
    public struct Data: Codable, Sendable, Equatable {
        /// `person_folders` (default) or `fashion_mnist` (`CaptionedImageSource`).
        public var source: CaptionedImageSource
        public var personFolders: String
        public var people: [Int]
        /// `fashion_mnist`: the folder of the idx files.
        public var fashionMNISTFolder: String
        /// `fashion_mnist`: [first, end) items of the idx training set.
        public var items: [Int]
        public var imageSize: Int
        public var channels: Int

        public init(source: CaptionedImageSource = .personFolders, personFolders: String = "data/orl-faces", people: [Int] = [0, 27],
                    fashionMNISTFolder: String = CaptionedImageSource.defaultFashionMNISTFolder, items: [Int] = [0, 6000],
                    imageSize: Int = 64, channels: Int = 1) {
            self.source = source
            self.fashionMNISTFolder = fashionMNISTFolder
            self.items = items
            self.personFolders = personFolders
            self.people = people
            self.imageSize = imageSize
            self.channels = channels
        }

        enum CodingKeys: String, CodingKey {
            case source, personFolders = "person_folders", people, fashionMNISTFolder = "fashion_mnist_folder", items
            case imageSize = "image_size", channels
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Data()
            source = try container.decodeIfPresent(CaptionedImageSource.self, forKey: .source) ?? defaults.source
            fashionMNISTFolder = try container.decodeIfPresent(String.self, forKey: .fashionMNISTFolder) ?? defaults.fashionMNISTFolder
            items = try container.decodeIfPresent([Int].self, forKey: .items) ?? defaults.items
            personFolders = try container.decodeIfPresent(String.self, forKey: .personFolders) ?? defaults.personFolders
            people = try container.decodeIfPresent([Int].self, forKey: .people) ?? defaults.people
            imageSize = try container.decodeIfPresent(Int.self, forKey: .imageSize) ?? defaults.imageSize
            channels = try container.decodeIfPresent(Int.self, forKey: .channels) ?? defaults.channels
        }
    }

    public var data: Data
    public var styleDimension: Int
    public var mappingLayers: Int
    public var channels: [Int]
    public var mappingLearningRateMultiplier: Float
    public var batchSize: Int
    public var r1Gamma: Float
    public var r1Interval: Int
    public var augmentation: [String]
    public var emaDecay: Float
    public var meanLatentDecay: Float
    public var sampleCount: Int

    public init(data: Data = Data(), styleDimension: Int = 128, mappingLayers: Int = 8, channels: [Int] = [128, 128, 64, 32, 16],
                mappingLearningRateMultiplier: Float = 0.01, batchSize: Int = 16, r1Gamma: Float = 1, r1Interval: Int = 16,
                augmentation: [String] = ["color", "translation", "cutout"], emaDecay: Float = 0.999, meanLatentDecay: Float = 0.995,
                sampleCount: Int = 16) {
        self.data = data
        self.styleDimension = styleDimension
        self.mappingLayers = mappingLayers
        self.channels = channels
        self.mappingLearningRateMultiplier = mappingLearningRateMultiplier
        self.batchSize = batchSize
        self.r1Gamma = r1Gamma
        self.r1Interval = r1Interval
        self.augmentation = augmentation
        self.emaDecay = emaDecay
        self.meanLatentDecay = meanLatentDecay
        self.sampleCount = sampleCount
    }

    enum CodingKeys: String, CodingKey {
        case data, styleDimension = "style_dim", mappingLayers = "n_mlp", channels, mappingLearningRateMultiplier = "lr_mlp"
        case batchSize = "batch_size", r1Gamma = "r1_gamma", r1Interval = "r1_interval", augmentation, emaDecay = "ema_decay"
        case meanLatentDecay = "mean_latent_decay", sampleCount = "sample_count"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = StyleGANTaskConfiguration()
        data = try container.decodeIfPresent(Data.self, forKey: .data) ?? defaults.data
        styleDimension = try container.decodeIfPresent(Int.self, forKey: .styleDimension) ?? defaults.styleDimension
        mappingLayers = try container.decodeIfPresent(Int.self, forKey: .mappingLayers) ?? defaults.mappingLayers
        channels = try container.decodeIfPresent([Int].self, forKey: .channels) ?? defaults.channels
        mappingLearningRateMultiplier = try container.decodeIfPresent(Float.self, forKey: .mappingLearningRateMultiplier)
            ?? defaults.mappingLearningRateMultiplier
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
        r1Gamma = try container.decodeIfPresent(Float.self, forKey: .r1Gamma) ?? defaults.r1Gamma
        r1Interval = try container.decodeIfPresent(Int.self, forKey: .r1Interval) ?? defaults.r1Interval
        augmentation = try container.decodeIfPresent([String].self, forKey: .augmentation) ?? defaults.augmentation
        emaDecay = try container.decodeIfPresent(Float.self, forKey: .emaDecay) ?? defaults.emaDecay
        meanLatentDecay = try container.decodeIfPresent(Float.self, forKey: .meanLatentDecay) ?? defaults.meanLatentDecay
        sampleCount = try container.decodeIfPresent(Int.self, forKey: .sampleCount) ?? defaults.sampleCount
    }
}
