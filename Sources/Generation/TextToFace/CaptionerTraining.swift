import Autograd
import Datasets
import Foundation
import NN
import Optim
import Tensor
import Training

/// The `captioner` training task assembled from a `TrainingConfiguration` (the text-to-face
/// issue's text reconstruction module, the seed paper's §4): the training images (photos of the
/// training people, or Fashion-MNIST items) with their synthesised captions (`CaptionedImages`), every (photo, caption) pair once per epoch in
/// shuffled batches; the frozen EfficientNet-Lite0 regions of every photo computed once; the
/// `AttentionCaptioner` trained with teacher forcing on L_TRL (Eq. 9) by the `Trainer`
/// (resumable). Validation: the mean L_TRL terms over every pair of the held-out people.
/// Afterwards `fitAttributeClassifier()` fits the face attribute classifier on the same frozen
/// features of the training photos.
public final class CaptionerTraining {
    public let configuration: TrainingConfiguration
    public let task: CaptionerTaskConfiguration
    public let faces: CaptionedImages
    public let validationFaces: CaptionedImages?
    public let encoder: CaptionerImageEncoder
    public let vocabulary: CaptionerVocabulary
    public let decoder: AttentionCaptioner
    /// Frozen region features `[photos, L, D]` of the training and validation photos.
    public let features: Tensor
    public let validationFeatures: Tensor?
    /// (photo, caption) pairs, captions encoded.
    public let pairs: [(photo: Int, caption: [Int])]
    public let trainer: Trainer<PhotoBatches>

    /// Loads the data and the frozen encoder (the installed EfficientNet-Lite0 unless `encoder` is
    /// given), caches the features and builds the decoder and the trainer; `write` receives progress lines.
    public init(configuration: TrainingConfiguration, outputDirectory: URL?, encoder: CaptionerImageEncoder? = nil,
                write: @escaping (String) -> Void = { print($0) }) throws {
        try configuration.validate(forTasks: [.captioner], runner: "CaptionerTraining")
        self.configuration = configuration
        let task = configuration.captioner
        self.task = task
        let data = task.data
        guard let faces = try CaptionedImages.load(data, validation: false) else {
            throw TrainingError.invalidConfiguration("captioner.data has no training images")
        }
        self.faces = faces
        let validationFaces = try CaptionedImages.load(data, validation: true)
        self.validationFaces = validationFaces
        let imageEncoder = try encoder ?? CaptionerImageEncoder.installed(imageSize: data.imageSize)
        guard imageEncoder.imageSize == data.imageSize else {
            throw TrainingError.invalidConfiguration("the image encoder resizes to \(imageEncoder.imageSize), the data is \(data.imageSize)")
        }
        self.encoder = imageEncoder
        let features = imageEncoder.regions(of: faces.pixels)  // [photos, L, D]
        let validationFeatures = validationFaces.map { imageEncoder.regions(of: $0.pixels) }
        self.features = features
        self.validationFeatures = validationFeatures

        let vocabulary = CaptionerVocabulary(captions: faces.captionTexts, minimumCount: task.minimumWordCount)
        self.vocabulary = vocabulary
        var generator = SeededGenerator(seed: configuration.seed)
        let decoder = AttentionCaptioner(
            configuration: AttentionCaptionerConfiguration(vocabularySize: vocabulary.count, featureWidth: imageEncoder.featureWidth,
                                                           embeddingWidth: task.embeddingWidth, hiddenWidth: task.hiddenWidth,
                                                           attentionWidth: task.attentionWidth, gated: task.gated,
                                                           attentionPenalty: task.attentionPenalty),
            generator: &generator)
        self.decoder = decoder
        let pairs = Self.pairs(of: faces, vocabulary: vocabulary)
        self.pairs = pairs
        let validationPairs = validationFaces.map { Self.pairs(of: $0, vocabulary: vocabulary) }

        let loop = configuration.training
        let source = PhotoBatches(count: pairs.count, batchSize: task.batchSize, seed: configuration.seed &+ 1)
        let optimizer = configuration.optimizer.makeOptimizer(parameters: decoder.trainableParameters)
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)
        let validation = validationPairs.map { held in
            Validation(metricNames: ["validation_loss", "validation_word_loss"], lossNames: ["validation_loss", "validation_word_loss"]) {
                let terms = Self.meanLoss(decoder: decoder, features: validationFeatures!, pairs: held, batchSize: 64)
                return ["validation_loss": terms.total, "validation_word_loss": terms.words]
            }
        }
        trainer = Trainer(model: decoder, optimizer: optimizer, schedule: schedule, source: source, options: loop.trainerOptions,
                          outputDirectory: outputDirectory, seed: configuration.seed, validation: validation) { batch, _ in
            let chosen = batch.map { pairs[$0] }
            return decoder.loss(features: Variable(Self.rows(of: features, chosen.map(\.photo))), captions: chosen.map(\.caption)).total
        }
        trainer.write = write
        trainer.plotTitle = "captioner (L_TRL)"
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
    }

    /// Every (photo, caption) pair of `faces`, captions encoded with `vocabulary`.
    static func pairs(of faces: CaptionedImages, vocabulary: CaptionerVocabulary) -> [(photo: Int, caption: [Int])] {
        faces.captions.enumerated().flatMap { photo, captions in captions.map { (photo, vocabulary.encode(faces.captionTexts[$0])) } }
    }

    /// Rows `indices` of `tensor` along its first axis.
    static func rows(of tensor: Tensor, _ indices: [Int]) -> Tensor {
        let tail = Array(tensor.shape.dropFirst())
        return Tensor.concatenate(indices.map { tensor[$0].reshaped([1] + tail) }, alongAxis: 0)
    }

    /// The pair-weighted mean L_TRL and word cross-entropy of `pairs`, without gradients.
    static func meanLoss(decoder: AttentionCaptioner, features: Tensor, pairs: [(photo: Int, caption: [Int])],
                         batchSize: Int) -> (total: Double, words: Double) {
        GradientMode.withoutGradients {
            var total = 0.0, words = 0.0
            for start in stride(from: 0, to: pairs.count, by: batchSize) {
                let chosen = Array(pairs[start..<min(start + batchSize, pairs.count)])
                let loss = decoder.loss(features: Variable(rows(of: features, chosen.map(\.photo))), captions: chosen.map(\.caption))
                total += Double(loss.total.value.item) * Double(chosen.count)
                words += Double(loss.wordCrossEntropy.value.item) * Double(chosen.count)
            }
            return (total / Double(pairs.count), words / Double(pairs.count))
        }
    }

    /// The manifest of the trained captioner.
    public var manifest: TrainedCaptioner.Manifest {
        TrainedCaptioner.Manifest(imageSize: task.data.imageSize, decoder: decoder.configuration)
    }

    /// Fits the attribute classifier (the layout of the images' kind: face attributes or the
    /// Fashion-MNIST class) on the training images' pooled features (the mean region).
    public func fitAttributeClassifier() throws -> (classifier: AttributeClassifier, losses: [Float]) {
        let pooled = features.mean(alongAxis: 1)  // [photos, D]
        return AttributeClassifier.train(pooled: pooled, values: faces.requested.map(\.classifierValues), layout: faces.kind.classifierLayout,
                                         steps: task.attributeSteps, learningRate: task.attributeLearningRate, seed: configuration.seed)
    }

    /// Writes the captioner folder (`captioner.json`, `captioner.safetensors`, `vocabulary.json`)
    /// and, when given, the attribute classifier (`attributes.safetensors`).
    public func saveModel(to directory: URL, attributeClassifier: AttributeClassifier?) throws {
        try TrainedCaptioner.save(decoder: decoder, vocabulary: vocabulary, manifest: manifest, to: directory)
        try attributeClassifier?.save(to: directory.appendingPathComponent(AttributeClassifier.fileName))
    }
}
