import Datasets
import Imaging
import Models

/// The `triplet` section: the fashion notebook's Siamese triplet network.
public struct TripletTaskConfiguration: Codable, Sendable, Equatable {
    /// Where the labelled images come from.
    public struct Data: Codable, Sendable, Equatable {
        public enum Source: String, Codable, Sendable {
            /// Fashion-MNIST idx files (train split for training, test split for evaluation).
            case fashionMNIST = "fashion_mnist"
            /// Class folders: `train_folder/<class>/*.png`, `test_folder/<class>/*.png`.
            case imageFolder = "image_folder"
            /// Person folders (`directory/<person>/<photo>`, e.g. the ORL faces): the people of
            /// `people` train and those of `evaluation_people` evaluate, so evaluation is on
            /// identities never seen in training.
            case personFolders = "person_folders"
        }
        /// `fashion_mnist` (default), `image_folder` or `person_folders`.
        public var source: Source
        /// Folder of the Fashion-MNIST idx files (default /usr/share/datasets/fashion-mnist), or
        /// the root of the person folders (`person_folders`).
        public var directory: String?
        /// `person_folders`: [first, end) positions (numeric order) of the people that train
        /// (nil: [0, 27], ORL's s1–s27).
        public var people: [Int]?
        /// `person_folders`: [first, end) positions of the held-out evaluation people (nil:
        /// [27, 40], ORL's s28–s40).
        public var evaluationPeople: [Int]?

        /// The training and evaluation people of `person_folders` as ranges.
        public var peopleRanges: (training: Range<Int>, evaluation: Range<Int>) {
            let training = people ?? [0, 27], evaluation = evaluationPeople ?? [27, 40]
            return (training[0]..<training[1], evaluation[0]..<evaluation[1])
        }
        /// Training class folders (image_folder).
        public var trainFolder: String?
        /// Evaluation class folders (image_folder).
        public var testFolder: String?
        /// Side of the square images an image folder is resized to. Default 28.
        public var imageSize: Int
        /// 1 (grey, default) or 3 (RGB) channels for an image folder.
        public var channels: Int
        /// Use only the first N training images of each class (nil: all).
        public var trainPerClass: Int?
        /// Use only the first N evaluation images of each class (nil: all).
        public var testPerClass: Int?

        public init(source: Source = .fashionMNIST, directory: String? = nil, trainFolder: String? = nil,
                    testFolder: String? = nil, imageSize: Int = 28, channels: Int = 1, trainPerClass: Int? = nil,
                    testPerClass: Int? = nil, people: [Int]? = nil, evaluationPeople: [Int]? = nil) {
            self.source = source
            self.directory = directory
            self.people = people
            self.evaluationPeople = evaluationPeople
            self.trainFolder = trainFolder
            self.testFolder = testFolder
            self.imageSize = imageSize
            self.channels = channels
            self.trainPerClass = trainPerClass
            self.testPerClass = testPerClass
        }

        enum CodingKeys: String, CodingKey {
            case source, directory, trainFolder = "train_folder", testFolder = "test_folder", imageSize = "image_size"
            case channels, trainPerClass = "train_per_class", testPerClass = "test_per_class"
            case people, evaluationPeople = "evaluation_people"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Data()
            source = try container.decodeIfPresent(Source.self, forKey: .source) ?? defaults.source
            directory = try container.decodeIfPresent(String.self, forKey: .directory)
            trainFolder = try container.decodeIfPresent(String.self, forKey: .trainFolder)
            testFolder = try container.decodeIfPresent(String.self, forKey: .testFolder)
            imageSize = try container.decodeIfPresent(Int.self, forKey: .imageSize) ?? defaults.imageSize
            channels = try container.decodeIfPresent(Int.self, forKey: .channels) ?? defaults.channels
            trainPerClass = try container.decodeIfPresent(Int.self, forKey: .trainPerClass)
            testPerClass = try container.decodeIfPresent(Int.self, forKey: .testPerClass)
            people = try container.decodeIfPresent([Int].self, forKey: .people)
            evaluationPeople = try container.decodeIfPresent([Int].self, forKey: .evaluationPeople)
        }
    }

    /// The image tower.
    public struct Backbone: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            /// `SmallConvolutionalNetwork` (default).
            case smallCNN = "small_cnn"
            /// torchvision's ResNet-50 with global average pooling, the notebook's tower
            /// (`ResNetImageEncoder`; `resnet` changes its shape).
            case resnet50
        }
        /// `small_cnn` (default) or `resnet50`.
        public var kind: Kind
        /// The small CNN's architecture: input_channels, channels, batch_normalization.
        public var smallCNN: SmallConvolutionalNetwork.Configuration
        /// The ResNet's architecture for `resnet50` in torchvision's argument names (nil:
        /// ResNet-50, layers [3, 4, 6, 3]); its classifier is never built.
        public var resnet: ResNetConfiguration?
        /// A torchvision ResNet checkpoint to start from (e.g. `resnet50-0676ba61.pth`, its `fc.*`
        /// left unused); nil starts from torchvision's random initialisation with the run's seed.
        public var weights: String?

        public init(kind: Kind = .smallCNN, smallCNN: SmallConvolutionalNetwork.Configuration = .fashionMNIST,
                    resnet: ResNetConfiguration? = nil, weights: String? = nil) {
            self.kind = kind
            self.smallCNN = smallCNN
            self.resnet = resnet
            self.weights = weights
        }

        enum CodingKeys: String, CodingKey { case kind, smallCNN = "small_cnn", resnet, weights }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .smallCNN
            smallCNN = try container.decodeIfPresent(SmallConvolutionalNetwork.Configuration.self, forKey: .smallCNN) ?? .fashionMNIST
            resnet = try container.decodeIfPresent(ResNetConfiguration.self, forKey: .resnet)
            weights = try container.decodeIfPresent(String.self, forKey: .weights)
        }
    }

    /// Evaluation settings.
    public struct EvaluationSettings: Codable, Sendable, Equatable {
        /// Fixed evaluation triplets drawn from the evaluation images. Default 10000.
        public var triplets: Int
        /// Seed of those triplets. Default 2024.
        public var seed: UInt64
        /// Squared distance below which a pair counts as "similar" (nil: N/2 for the lossless
        /// loss, whose N is the embedding width by default; the margin for the margin losses).
        public var threshold: Float?
        /// Evaluation images per class used by the per-epoch validation (nil: all; the final
        /// evaluation always uses every evaluation image).
        public var validationPerClass: Int?

        public init(triplets: Int = 10000, seed: UInt64 = 2024, threshold: Float? = nil, validationPerClass: Int? = nil) {
            self.triplets = triplets
            self.seed = seed
            self.threshold = threshold
            self.validationPerClass = validationPerClass
        }

        enum CodingKeys: String, CodingKey {
            case triplets, seed, threshold, validationPerClass = "validation_per_class"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = EvaluationSettings()
            triplets = try container.decodeIfPresent(Int.self, forKey: .triplets) ?? defaults.triplets
            seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
            threshold = try container.decodeIfPresent(Float.self, forKey: .threshold)
            validationPerClass = try container.decodeIfPresent(Int.self, forKey: .validationPerClass)
        }
    }

    public var data: Data
    public var backbone: Backbone
    /// Dense(hidden_width, hidden_activation) → Dense(embedding_width, output_activation).
    public var head: SiameseTripletNetwork.Head
    /// The loss: kind lossless | margin | batch_hard | semi_hard, margin, distance, width, beta,
    /// epsilon, classes_per_batch, images_per_class.
    public var objective: TripletObjective
    /// Random triplets per batch (3× as many images per step). Default 32.
    public var tripletsPerBatch: Int
    /// Probability of mirroring each training image. Default 0.
    public var flipProbability: Float
    /// Per-channel mean/std of sample/255 (nil: Fashion-MNIST's for fashion_mnist, else 0/1).
    public var normalization: PixelNormalization?
    public var evaluation: EvaluationSettings

    public init(data: Data = Data(), backbone: Backbone = Backbone(), head: SiameseTripletNetwork.Head = .fashionNotebook,
                objective: TripletObjective = TripletObjective(), tripletsPerBatch: Int = 32, flipProbability: Float = 0,
                normalization: PixelNormalization? = nil, evaluation: EvaluationSettings = EvaluationSettings()) {
        self.data = data
        self.backbone = backbone
        self.head = head
        self.objective = objective
        self.tripletsPerBatch = tripletsPerBatch
        self.flipProbability = flipProbability
        self.normalization = normalization
        self.evaluation = evaluation
    }

    /// The similarity test's threshold: the configured one, else N/2 (lossless) or the margin.
    public var similarityThreshold: Float {
        if let threshold = evaluation.threshold { return threshold }
        switch objective.kind {
        case .lossless: return (objective.width ?? Float(head.embeddingWidth)) / 2
        case .margin, .batchHard, .semiHard: return objective.margin
        }
    }

    enum CodingKeys: String, CodingKey {
        case data, backbone, head, objective, tripletsPerBatch = "triplets_per_batch"
        case flipProbability = "flip_probability", normalization, evaluation
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TripletTaskConfiguration()
        data = try container.decodeIfPresent(Data.self, forKey: .data) ?? defaults.data
        backbone = try container.decodeIfPresent(Backbone.self, forKey: .backbone) ?? defaults.backbone
        head = try container.decodeIfPresent(SiameseTripletNetwork.Head.self, forKey: .head) ?? defaults.head
        objective = try container.decodeIfPresent(TripletObjective.self, forKey: .objective) ?? defaults.objective
        tripletsPerBatch = try container.decodeIfPresent(Int.self, forKey: .tripletsPerBatch) ?? defaults.tripletsPerBatch
        flipProbability = try container.decodeIfPresent(Float.self, forKey: .flipProbability) ?? defaults.flipProbability
        normalization = try container.decodeIfPresent(PixelNormalization.self, forKey: .normalization)
        evaluation = try container.decodeIfPresent(EvaluationSettings.self, forKey: .evaluation) ?? defaults.evaluation
    }
}
