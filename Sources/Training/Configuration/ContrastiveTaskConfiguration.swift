import Imaging
import NN

/// The `contrastive` section, shared by the `contrastive` (fine-tune a CLIP-family model) and
/// `clip_from_scratch` tasks.
public struct ContrastiveTaskConfiguration: Codable, Sendable, Equatable {
    /// Where the (image, caption) pairs come from.
    public struct Data: Codable, Sendable, Equatable {
        public enum Source: String, Codable, Sendable {
            /// A CSV file with a header row.
            case csv
            /// A JSON-lines file, one object per line.
            case jsonl
            /// A COCO captions JSON file (one pair per caption).
            case coco
            /// `SyntheticShapes` drawn from `seed` (train layouts for training, held-out layouts for validation).
            case syntheticShapes = "synthetic_shapes"
        }
        /// `csv`, `jsonl`, `coco` or `synthetic_shapes` (default).
        public var source: Source
        /// Training manifest (csv/jsonl).
        public var path: String?
        /// Validation manifest (csv/jsonl/coco; nil: no validation).
        public var validationPath: String?
        /// Folder relative image paths are resolved against (default: each manifest's folder;
        /// for COCO the `train2017/` style image folder).
        public var imageRoot: String?
        /// Column or key of the image path. Default "image".
        public var imageKey: String
        /// Column or key of the caption. Default "caption".
        public var captionKey: String
        /// CSV field separator. Default ",".
        public var separator: String
        /// Synthetic shapes: training examples (default 2000), validation examples (default 200),
        /// canvas size (default 64), held-out layout fraction (default 0.2).
        public var shapesCount: Int
        public var shapesValidationCount: Int
        public var shapesCanvas: Int
        public var shapesHeldOutFraction: Double

        public init(source: Source = .syntheticShapes, path: String? = nil, validationPath: String? = nil,
                    imageRoot: String? = nil, imageKey: String = "image", captionKey: String = "caption", separator: String = ",",
                    shapesCount: Int = 2000, shapesValidationCount: Int = 200, shapesCanvas: Int = 64,
                    shapesHeldOutFraction: Double = 0.2) {
            self.source = source
            self.path = path
            self.validationPath = validationPath
            self.imageRoot = imageRoot
            self.imageKey = imageKey
            self.captionKey = captionKey
            self.separator = separator
            self.shapesCount = shapesCount
            self.shapesValidationCount = shapesValidationCount
            self.shapesCanvas = shapesCanvas
            self.shapesHeldOutFraction = shapesHeldOutFraction
        }

        enum CodingKeys: String, CodingKey {
            case source, path, validationPath = "validation_path", imageRoot = "image_root", imageKey = "image_key", captionKey = "caption_key"
            case separator, shapesCount = "shapes_count", shapesValidationCount = "shapes_validation_count"
            case shapesCanvas = "shapes_canvas", shapesHeldOutFraction = "shapes_held_out_fraction"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Data()
            source = try container.decodeIfPresent(Source.self, forKey: .source) ?? defaults.source
            path = try container.decodeIfPresent(String.self, forKey: .path)
            validationPath = try container.decodeIfPresent(String.self, forKey: .validationPath)
            imageRoot = try container.decodeIfPresent(String.self, forKey: .imageRoot)
            imageKey = try container.decodeIfPresent(String.self, forKey: .imageKey) ?? defaults.imageKey
            captionKey = try container.decodeIfPresent(String.self, forKey: .captionKey) ?? defaults.captionKey
            separator = try container.decodeIfPresent(String.self, forKey: .separator) ?? defaults.separator
            shapesCount = try container.decodeIfPresent(Int.self, forKey: .shapesCount) ?? defaults.shapesCount
            shapesValidationCount = try container.decodeIfPresent(Int.self, forKey: .shapesValidationCount) ?? defaults.shapesValidationCount
            shapesCanvas = try container.decodeIfPresent(Int.self, forKey: .shapesCanvas) ?? defaults.shapesCanvas
            shapesHeldOutFraction = try container.decodeIfPresent(Double.self, forKey: .shapesHeldOutFraction) ?? defaults.shapesHeldOutFraction
        }
    }

    public var data: Data
    /// `contrastive`: the model to fine-tune, a CLIP checkpoint path (OpenCLIP `.bin` /
    /// `.safetensors`, OpenAI `.pt`, Hugging Face folder) or a name the `clipkit` command resolves
    /// ("clipkit-default", also "default": the EfficientNet-Lite0 + all-MiniLM-L6-v2 towers).
    /// Unused by `clip_from_scratch`.
    public var model: String?
    /// MLP activation of a CLIP checkpoint read by shape (`quick_gelu` for OpenAI's weights,
    /// `gelu` for most OpenCLIP-trained ones). Default quick_gelu.
    public var modelActivation: Activation
    /// Width of one attention head of a CLIP checkpoint read by shape (head counts are not in
    /// the tensor shapes): 64 in OpenAI's and OpenCLIP's models; a `clip_from_scratch` model has
    /// width / heads (16 for the default architecture). Default 64.
    public var modelHeadWidth: Int
    /// The CLIP BPE merges file (`bpe_simple_vocab_16e6.txt.gz`; nil: the installed one).
    public var tokenizer: String?
    /// The CLIP that `clip_from_scratch` builds.
    public var architecture: CLIPArchitecture
    /// Which towers stay frozen: image_tower, text_tower, projections_only.
    public var locking: TowerLocking
    /// Pairs per batch (InfoNCE negatives = batch − 1). Default 32.
    public var batchSize: Int
    /// Projection width when the model has none (nil: the model's own projections).
    public var embeddingWidth: Int?
    /// Initial log logit scale s (e^s multiplies cosine similarities). Default ln(1/0.07).
    public var initialLogScale: Float
    /// Whether s is learned. Default true.
    public var learnsScale: Bool
    /// Training augmentation: crop_scale [low, high] of a random resized crop, flip_probability.
    public var augmentation: CaptionedAugmentation
    /// Image preprocessing (nil: the model's own). Keys image_size, mean, std, interpolation, resize_mode.
    public var preprocessing: Preprocessing?

    public init(data: Data = Data(), model: String? = nil, modelActivation: Activation = .quickGELU, modelHeadWidth: Int = 64,
                tokenizer: String? = nil,
                architecture: CLIPArchitecture = CLIPArchitecture(), locking: TowerLocking = TowerLocking(), batchSize: Int = 32,
                embeddingWidth: Int? = nil, initialLogScale: Float = 2.6592600, learnsScale: Bool = true,
                augmentation: CaptionedAugmentation = CaptionedAugmentation(), preprocessing: Preprocessing? = nil) {
        self.data = data
        self.model = model
        self.modelActivation = modelActivation
        self.modelHeadWidth = modelHeadWidth
        self.tokenizer = tokenizer
        self.architecture = architecture
        self.locking = locking
        self.batchSize = batchSize
        self.embeddingWidth = embeddingWidth
        self.initialLogScale = initialLogScale
        self.learnsScale = learnsScale
        self.augmentation = augmentation
        self.preprocessing = preprocessing
    }

    enum CodingKeys: String, CodingKey {
        case data, model, modelActivation = "model_activation", modelHeadWidth = "model_head_width", tokenizer, architecture, locking
        case batchSize = "batch_size", embeddingWidth = "embedding_width"
        case initialLogScale = "initial_log_scale", learnsScale = "learns_scale", augmentation, preprocessing
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ContrastiveTaskConfiguration()
        data = try container.decodeIfPresent(Data.self, forKey: .data) ?? defaults.data
        model = try container.decodeIfPresent(String.self, forKey: .model)
        modelActivation = try container.decodeIfPresent(Activation.self, forKey: .modelActivation) ?? defaults.modelActivation
        modelHeadWidth = try container.decodeIfPresent(Int.self, forKey: .modelHeadWidth) ?? defaults.modelHeadWidth
        tokenizer = try container.decodeIfPresent(String.self, forKey: .tokenizer)
        architecture = try container.decodeIfPresent(CLIPArchitecture.self, forKey: .architecture) ?? defaults.architecture
        locking = try container.decodeIfPresent(TowerLocking.self, forKey: .locking) ?? defaults.locking
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize
        embeddingWidth = try container.decodeIfPresent(Int.self, forKey: .embeddingWidth)
        initialLogScale = try container.decodeIfPresent(Float.self, forKey: .initialLogScale) ?? defaults.initialLogScale
        learnsScale = try container.decodeIfPresent(Bool.self, forKey: .learnsScale) ?? defaults.learnsScale
        augmentation = try container.decodeIfPresent(CaptionedAugmentation.self, forKey: .augmentation) ?? defaults.augmentation
        preprocessing = try container.decodeIfPresent(Preprocessing.self, forKey: .preprocessing)
    }
}
