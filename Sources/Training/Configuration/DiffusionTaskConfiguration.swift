/// The `diffusion` section, read by the tasks `diffusion` (train a text-conditioned U-Net from
/// scratch, ε-prediction MSE, the seed paper's Eq. 17) and `ip_adapter` (train an IP-Adapter and
/// optionally the self-attention aggregator on a frozen U-Net, Eq. 1 and §3.5). The networks are
/// described by diffusers' own files, so a trained model is a diffusers-layout folder:
///
/// ```json
/// "diffusion": {
///   "data": {"person_folders": "data/orl-faces", "attributes": "data/orl-faces/attributes.csv",
///            "people": [0, 27], "validation_people": [27, 40], "image_size": 32, "channels": 1},
///   "unet_config": "configs/orl/unet.json", "scheduler_config": "configs/orl/scheduler.json",
///   "context_length": 24, "batch_size": 32, "text_dropout": 0.1, "ema_decay": 0.999,
///   "adapter": {"tokens": 4, "references": "self", "aggregation": "mean", "heads": 8,
///               "image_dropout": 0.05, "text_dropout": 0.05, "both_dropout": 0.05}
/// }
/// ```
///
/// - `data`: people in person folders (one folder per identity, numeric order: `people` is the
///   half-open range of positions that train, `validation_people` the held-out ones), captions
///   synthesised from the attribute table (`FaceCaptions`), images squashed to `image_size`² with
///   `channels` 1 (grey) or 3, scaled to [−1, 1]. `source` (`CaptionedImageSource`) is
///   `person_folders` here; the `captioner` and `text2face` sections, which share this type, may
///   read `fashion_mnist` instead (`fashion_mnist_folder`, `items`, `validation_items`).
/// - `unet_config`: a diffusers `UNet2DConditionModel` `config.json` (task `diffusion`); its
///   `cross_attention_dim` must be the text encoder's width (384 for all-MiniLM-L6-v2).
/// - `scheduler_config`: a diffusers `scheduler_config.json` (nil: DDPM, linear β 1e-4…0.02, 1000 steps).
/// - `base_model`: task `ip_adapter`: the folder a `diffusion` run saved (`unet/`, `scheduler/`).
/// - `text_encoder`, `image_encoder`: the installed all-MiniLM-L6-v2 (`minilm`; token states,
///   `context_length` of them) and EfficientNet-Lite0 (`efficientnet-lite0`; pooled 1280-wide
///   features of the reference photos), both frozen.
/// - `text_dropout`: task `diffusion`: probability of an empty prompt (for classifier-free guidance).
/// - `ema_decay`: the saved weights are an exponential moving average with this decay (nil: the raw weights).
/// - `adapter`: task `ip_adapter`; see `Adapter`.
public struct DiffusionTaskConfiguration: Codable, Sendable, Equatable {
    public struct Data: Codable, Sendable, Equatable {
        /// `person_folders` (default) or `fashion_mnist` (`CaptionedImageSource`).
        public var source: CaptionedImageSource
        public var personFolders: String
        public var attributes: String
        /// `fashion_mnist`: the folder of the idx files.
        public var fashionMNISTFolder: String
        /// `fashion_mnist`: [first, end) items of the idx training set that train.
        public var items: [Int]
        /// `fashion_mnist`: [first, end) items of the idx test set held out (nil: none).
        public var validationItems: [Int]?
        /// [first, end) person positions that train.
        public var people: [Int]
        /// [first, end) person positions for validation (nil: none).
        public var validationPeople: [Int]?
        public var imageSize: Int
        public var channels: Int

        public init(source: CaptionedImageSource = .personFolders, personFolders: String = "data/orl-faces",
                    attributes: String = "data/orl-faces/attributes.csv", people: [Int] = [0, 27], validationPeople: [Int]? = [27, 40],
                    fashionMNISTFolder: String = CaptionedImageSource.defaultFashionMNISTFolder, items: [Int] = [0, 6000],
                    validationItems: [Int]? = [0, 1000], imageSize: Int = 32, channels: Int = 1) {
            self.source = source
            self.fashionMNISTFolder = fashionMNISTFolder
            self.items = items
            self.validationItems = validationItems
            self.personFolders = personFolders
            self.attributes = attributes
            self.people = people
            self.validationPeople = validationPeople
            self.imageSize = imageSize
            self.channels = channels
        }

        enum CodingKeys: String, CodingKey {
            case source, personFolders = "person_folders", attributes, people, validationPeople = "validation_people"
            case fashionMNISTFolder = "fashion_mnist_folder", items, validationItems = "validation_items"
            case imageSize = "image_size", channels
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Data()
            source = try container.decodeIfPresent(CaptionedImageSource.self, forKey: .source) ?? defaults.source
            fashionMNISTFolder = try container.decodeIfPresent(String.self, forKey: .fashionMNISTFolder) ?? defaults.fashionMNISTFolder
            items = try container.decodeIfPresent([Int].self, forKey: .items) ?? defaults.items
            validationItems = container.contains(.validationItems)
                ? try container.decodeIfPresent([Int].self, forKey: .validationItems) : defaults.validationItems
            personFolders = try container.decodeIfPresent(String.self, forKey: .personFolders) ?? defaults.personFolders
            attributes = try container.decodeIfPresent(String.self, forKey: .attributes) ?? defaults.attributes
            people = try container.decodeIfPresent([Int].self, forKey: .people) ?? defaults.people
            validationPeople = container.contains(.validationPeople)
                ? try container.decodeIfPresent([Int].self, forKey: .validationPeople) : defaults.validationPeople
            imageSize = try container.decodeIfPresent(Int.self, forKey: .imageSize) ?? defaults.imageSize
            channels = try container.decodeIfPresent(Int.self, forKey: .channels) ?? defaults.channels
        }
    }

    /// How the IP-Adapter is trained (task `ip_adapter`).
    public struct Adapter: Codable, Sendable, Equatable {
        /// Image tokens per reference (N of the image projection). Default 4.
        public var tokens: Int
        /// `self`: the prompt is the target photo's own embedding (IP-Adapter's objective, Eq. 17);
        /// `leave_one_out`: one photo of a person is the target and the other photos the references
        /// (the seed paper's Eq. 1).
        public var references: String
        /// How leave-one-out references are combined while training: `mean`, `max`, `concat` or
        /// `attention` (the self-attention aggregator is then trained too).
        public var aggregation: String
        /// Heads of the self-attention aggregator. Default 8.
        public var heads: Int
        /// Probabilities of dropping the image prompt only (zero embedding), the text only (empty
        /// prompt), and both (IP-Adapter's 0.05 each), so classifier-free guidance works.
        public var imageDropout: Float
        public var textDropout: Float
        public var bothDropout: Float
        /// An adapter file to start from (e.g. the `self` run's), nil: a fresh adapter.
        public var initialAdapter: String?

        public init(tokens: Int = 4, references: String = "self", aggregation: String = "mean", heads: Int = 8,
                    imageDropout: Float = 0.05, textDropout: Float = 0.05, bothDropout: Float = 0.05, initialAdapter: String? = nil) {
            self.tokens = tokens
            self.references = references
            self.aggregation = aggregation
            self.heads = heads
            self.imageDropout = imageDropout
            self.textDropout = textDropout
            self.bothDropout = bothDropout
            self.initialAdapter = initialAdapter
        }

        enum CodingKeys: String, CodingKey {
            case tokens, references, aggregation, heads, imageDropout = "image_dropout", textDropout = "text_dropout"
            case bothDropout = "both_dropout", initialAdapter = "initial_adapter"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Adapter()
            tokens = try container.decodeIfPresent(Int.self, forKey: .tokens) ?? defaults.tokens
            references = try container.decodeIfPresent(String.self, forKey: .references) ?? defaults.references
            aggregation = try container.decodeIfPresent(String.self, forKey: .aggregation) ?? defaults.aggregation
            heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? defaults.heads
            imageDropout = try container.decodeIfPresent(Float.self, forKey: .imageDropout) ?? defaults.imageDropout
            textDropout = try container.decodeIfPresent(Float.self, forKey: .textDropout) ?? defaults.textDropout
            bothDropout = try container.decodeIfPresent(Float.self, forKey: .bothDropout) ?? defaults.bothDropout
            initialAdapter = try container.decodeIfPresent(String.self, forKey: .initialAdapter)
        }
    }

    public var data: Data
    public var unetConfig: String?
    public var schedulerConfig: String?
    public var baseModel: String?
    public var textEncoder: String
    public var contextLength: Int
    public var imageEncoder: String
    public var batchSize: Int
    public var textDropout: Float
    public var emaDecay: Float?
    public var adapter: Adapter

    public init(data: Data = Data(), unetConfig: String? = nil, schedulerConfig: String? = nil, baseModel: String? = nil,
                textEncoder: String = "minilm", contextLength: Int = 24, imageEncoder: String = "efficientnet-lite0",
                batchSize: Int = 32, textDropout: Float = 0.1, emaDecay: Float? = nil, adapter: Adapter = Adapter()) {
        self.data = data
        self.unetConfig = unetConfig
        self.schedulerConfig = schedulerConfig
        self.baseModel = baseModel
        self.textEncoder = textEncoder
        self.contextLength = contextLength
        self.imageEncoder = imageEncoder
        self.batchSize = batchSize
        self.textDropout = textDropout
        self.emaDecay = emaDecay
        self.adapter = adapter
    }

    enum CodingKeys: String, CodingKey {
        case data, unetConfig = "unet_config", schedulerConfig = "scheduler_config", baseModel = "base_model"
        case textEncoder = "text_encoder", contextLength = "context_length", imageEncoder = "image_encoder"
        case batchSize = "batch_size", textDropout = "text_dropout", emaDecay = "ema_decay", adapter
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DiffusionTaskConfiguration()
        data = try container.decodeIfPresent(Data.self, forKey: .data) ?? defaults.data
        unetConfig = try container.decodeIfPresent(String.self, forKey: .unetConfig)
        schedulerConfig = try container.decodeIfPresent(String.self, forKey: .schedulerConfig)
        baseModel = try container.decodeIfPresent(String.self, forKey: .baseModel)
        textEncoder = try container.decodeIfPresent(String.self, forKey: .textEncoder) ?? defaults.textEncoder
        contextLength = try container.decodeIfPresent(Int.self, forKey: .contextLength) ?? defaults.contextLength
        imageEncoder = try container.decodeIfPresent(String.self, forKey: .imageEncoder) ?? defaults.imageEncoder
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
        textDropout = try container.decodeIfPresent(Float.self, forKey: .textDropout) ?? defaults.textDropout
        emaDecay = try container.decodeIfPresent(Float.self, forKey: .emaDecay)
        adapter = try container.decodeIfPresent(Adapter.self, forKey: .adapter) ?? defaults.adapter
    }
}
