import Autograd
import Checkpoint
import Datasets
import Foundation
import Models
import NN
import Optim
import Tensor

/// The `triplet` task assembled from a `TrainingConfiguration`: data, Siamese network, optimiser,
/// schedule and trainer, plus the final evaluation on every evaluation image.
public final class TripletTraining {
    public let configuration: TrainingConfiguration
    public let trainImages: LabeledImageSet
    public let testImages: LabeledImageSet
    public let network: SiameseTripletNetwork
    public let normalization: PixelNormalization
    public let trainer: Trainer<TripletBatchSource>
    /// The fixed triplets of the final evaluation.
    public let evaluationTriplets: [TripletIndices]

    /// Loads the data and builds everything; `write` receives progress lines.
    public init(configuration: TrainingConfiguration, outputDirectory: URL?, write: @escaping (String) -> Void = { print($0) }) throws {
        try configuration.validate(forTasks: [.triplet], runner: "TripletTraining")
        self.configuration = configuration
        let task = configuration.triplet
        var (train, test) = try Self.loadData(task.data)
        if let limit = task.data.trainPerClass { train = train.balancedPrefix(perClass: limit) }
        if let limit = task.data.testPerClass { test = test.balancedPrefix(perClass: limit) }
        trainImages = train
        testImages = test
        normalization = task.normalization ?? (task.data.source == .fashionMNIST ? .fashionMNIST : .unit(channels: train.channels))

        var generator = SeededGenerator(seed: configuration.seed)
        let network = try Self.makeNetwork(task, channels: train.channels, generator: &generator)
        network.setMode(.training)  // batch statistics while training; `embed` evaluates in inference mode
        self.network = network

        let loop = configuration.training
        let objective = task.objective
        // A pass of random triplets: the training images divided by the triplets per batch (the
        // trainer applies `training.steps_per_epoch` when it is set, as for every task).
        let source = TripletBatchSource(images: train, objective: objective, tripletsPerBatch: task.tripletsPerBatch,
                                        normalization: normalization, flipProbability: task.flipProbability,
                                        batchesPerEpoch: max(1, train.count / max(task.tripletsPerBatch, 1)),
                                        seed: configuration.seed &+ 1)
        let optimizer = configuration.optimizer.makeOptimizer(parameters: network.trainableParameters)
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)

        let threshold = task.similarityThreshold
        evaluationTriplets = TripletEvaluation.triplets(labels: test.labels, classCount: test.classNames.count,
                                                        count: task.evaluation.triplets, seed: task.evaluation.seed)
        let validationImages = task.evaluation.validationPerClass.map { test.balancedPrefix(perClass: $0) } ?? test
        let validationTriplets = task.evaluation.validationPerClass == nil ? evaluationTriplets
            : TripletEvaluation.triplets(labels: validationImages.labels, classCount: validationImages.classNames.count,
                                         count: min(task.evaluation.triplets, validationImages.count), seed: task.evaluation.seed)
        let normalization = self.normalization
        let validation = Validation(metricNames: TripletEvaluation.metricNames,
                                    scoreNames: ["triplet_accuracy", "recall_at_1", "threshold_accuracy"]) {
            let embeddings = network.embed(validationImages, normalization: normalization)
            return TripletEvaluation.evaluate(embeddings: embeddings, labels: validationImages.labels,
                                              triplets: validationTriplets, threshold: threshold).metrics
        }
        trainer = Trainer(model: network, optimizer: optimizer, schedule: schedule, source: source,
                          options: loop.trainerOptions, outputDirectory: outputDirectory, seed: configuration.seed,
                          validation: validation) { batch, _ in
            Self.loss(network: network, objective: objective, batch: batch)
        }
        trainer.write = write
        trainer.plotTitle = "Siamese triplet network (\(objective.kind.rawValue) loss)"
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
    }

    /// One batch's loss: a single pass of the shared tower over anchors, positives and negatives.
    public static func loss(network: SiameseTripletNetwork, objective: TripletObjective, batch: TripletBatch) -> Variable {
        switch batch {
        case let .triplets(images, count):
            let embeddings = network(Variable(images))  // [3·count, embeddingWidth]
            let parts = embeddings.split(sizes: [count, count, count], alongAxis: 0)
            return objective.loss(anchor: parts[0], positive: parts[1], negative: parts[2])
        case let .labeled(images, labels):
            return objective.minedLoss(embeddings: network(Variable(images)), labels: labels)
        }
    }

    /// Evaluates the current network on every evaluation image and the fixed evaluation triplets.
    public func evaluate() -> TripletEvaluation {
        let task = configuration.triplet
        let embeddings = network.embed(testImages, normalization: normalization)
        return TripletEvaluation.evaluate(embeddings: embeddings, labels: testImages.labels, triplets: evaluationTriplets,
                                          threshold: task.similarityThreshold)
    }

    /// Writes the network's weights and buffers (no optimiser state) as safetensors.
    public func saveModel(to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in network.namedParameters { tensors[name] = parameter.value }
        try SafetensorsFile.write(tensors, metadata: [TrainedTripletNetwork.configurationMetadataKey: trainer.configurationJSON ?? "{}"],
                                  to: url)
    }

    /// What `evaluation.json` records.
    public struct Report: Codable, Sendable {
        public var evaluation: TripletEvaluation
        public var untrained: TripletEvaluation?
        public var steps: Int
        public var wallSeconds: Double
        public var evaluationImages: Int
        public var evaluationTriplets: Int
        public init(evaluation: TripletEvaluation, untrained: TripletEvaluation?, steps: Int, wallSeconds: Double,
                    evaluationImages: Int, evaluationTriplets: Int) {
            self.evaluation = evaluation
            self.untrained = untrained
            self.steps = steps
            self.wallSeconds = wallSeconds
            self.evaluationImages = evaluationImages
            self.evaluationTriplets = evaluationTriplets
        }
    }

    /// The Siamese network `task` describes for `channels`-channel images: the backbone (the small
    /// CNN, or the ResNet with `backbone.weights` when `loadingInitialWeights`) and the head.
    static func makeNetwork(_ task: TripletTaskConfiguration, channels: Int, loadingInitialWeights: Bool = true,
                            generator: inout SeededGenerator) throws -> SiameseTripletNetwork {
        let backbone: any ImageEncoder
        switch task.backbone.kind {
        case .smallCNN:
            var cnn = task.backbone.smallCNN
            cnn.inputChannels = channels
            backbone = SmallConvolutionalNetwork(configuration: cnn, generator: &generator)
        case .resnet50:
            var settings = task.backbone
            if !loadingInitialWeights { settings.weights = nil }
            backbone = try Self.resNet(settings, generator: &generator)
        }
        return SiameseTripletNetwork(backbone: backbone, head: task.head, expandsGreyToRGB: task.backbone.kind == .resnet50,
                                     generator: &generator)
    }

    /// The headless torchvision ResNet of the `resnet50` backbone: torchvision's random
    /// initialisation, or the weights of `backbone.weights` (a torchvision checkpoint).
    static func resNet(_ backbone: TripletTaskConfiguration.Backbone, generator: inout SeededGenerator) throws -> ResNet {
        var configuration = backbone.resnet ?? .resnet50
        configuration.classCount = nil
        guard let weights = backbone.weights else { return ResNet(configuration: configuration, generator: &generator) }
        return try ResNet(contentsOf: URL(fileURLWithPath: weights), configuration: configuration)
    }

    /// Train and test images for `data`.
    static func loadData(_ data: TripletTaskConfiguration.Data) throws -> (LabeledImageSet, LabeledImageSet) {
        switch data.source {
        case .fashionMNIST:
            let directory = data.directory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FashionMNIST.defaultDirectory
            return (try FashionMNIST.load(split: .train, directory: directory), try FashionMNIST.load(split: .test, directory: directory))
        case .imageFolder:
            guard let trainFolder = data.trainFolder, let testFolder = data.testFolder else {
                throw TrainingError.invalidConfiguration("triplet.data.source image_folder needs train_folder and test_folder")
            }
            let train = try ClassFolders(root: URL(fileURLWithPath: trainFolder, isDirectory: true))
            let test = try ClassFolders(root: URL(fileURLWithPath: testFolder, isDirectory: true))
            guard train.classNames == test.classNames else {
                throw TrainingError.invalidConfiguration("train and test folders have different classes")
            }
            return (try train.load(size: data.imageSize, channels: data.channels),
                    try test.load(size: data.imageSize, channels: data.channels))
        case .personFolders:
            guard let directory = data.directory else {
                throw TrainingError.invalidConfiguration("triplet.data.source person_folders needs directory (the person folders' root)")
            }
            let folders = try PersonFolders(root: URL(fileURLWithPath: directory, isDirectory: true))
            let (training, evaluation) = data.peopleRanges
            guard training.upperBound <= folders.people.count, evaluation.upperBound <= folders.people.count else {
                throw TrainingError.invalidConfiguration(
                    "triplet.data: \(directory) has \(folders.people.count) people; people \(training) and evaluation_people \(evaluation) ask for more")
            }
            return (try folders.load(training, size: data.imageSize, channels: data.channels),
                    try folders.load(evaluation, size: data.imageSize, channels: data.channels))
        }
    }
}
