import Autograd
import Evaluation
import Foundation
import Imaging
import Models
import NN
import Optim
import Tensor
import Tokenizers

/// The `contrastive` and `clip_from_scratch` tasks: symmetric InfoNCE over an image tower and a
/// text encoder (any `ImageEncoder` / `TextEncoder`).
///
/// `prepare` resolves the configured model through `ModelRegistry` and builds the run;
/// `makeTrainer` builds the data (CSV, JSON lines, COCO or synthetic shapes), the optimiser over
/// the model's trainable parameters, the schedule, the loss with the logit-scale clamp after each
/// step and a recall validation. The entry points below `prepare` take a model already built:
/// `fromScratch` (a random-init CLIP of `contrastive.architecture`), `fineTuning` (a loaded
/// `ImageTextModel`) and `withTowers` (any pair of encoders with new projections, e.g.
/// EfficientNet-Lite0 + MiniLM for LiT).
public enum ContrastiveTraining {
    /// Image–caption pairs with the keys that decide which caption is correct for which image.
    public struct Pairs {
        public var images: CaptionedImages
        public var captions: [String]
        /// Two examples match when their keys are equal: the caption itself, or for synthetic
        /// shapes the canonical scene ("A left of B" and "B right of A" describe one layout).
        public var matchKeys: [String]
    }

    /// Training and validation pairs for `configuration`.
    public static func loadData(_ configuration: ContrastiveTaskConfiguration, seed: UInt64) throws
        -> (train: Pairs, validation: Pairs?) {
        let data = configuration.data
        switch data.source {
        case .syntheticShapes:
            let shapes = SyntheticShapes(canvasSize: data.shapesCanvas, heldOutFraction: data.shapesHeldOutFraction, seed: seed)
            func pairs(_ examples: [SyntheticShapes.Example]) -> Pairs {
                Pairs(images: .inMemory(examples.map(\.image)), captions: examples.map(\.caption),
                      matchKeys: examples.map(\.scene.canonical.caption))
            }
            let train = shapes.examples(data.shapesCount, split: .train, seed: seed &+ 11)
            let validation = data.shapesValidationCount > 0 && !shapes.heldOutLayouts.isEmpty
                ? shapes.examples(data.shapesValidationCount, split: .heldOut, seed: seed &+ 12) : []
            return (pairs(train), validation.isEmpty ? nil : pairs(validation))
        case .csv, .jsonl, .coco:
            guard let path = data.path else {
                throw TrainingError.invalidConfiguration("contrastive.data.source \(data.source.rawValue) needs a path")
            }
            guard let separator = data.separator.first, data.separator.count == 1 else {
                throw TrainingError.invalidConfiguration("contrastive.data.separator must be one character")
            }
            let format: CaptionedImageManifest.Format = data.source == .csv ? .csv : data.source == .jsonl ? .jsonl : .coco
            func read(_ path: String) throws -> Pairs {
                let manifest = try CaptionedImageManifest(contentsOf: URL(fileURLWithPath: path), format: format,
                                                          imageKey: data.imageKey, captionKey: data.captionKey, separator: separator,
                                                          imageRoot: data.imageRoot.map { URL(fileURLWithPath: $0, isDirectory: true) })
                let captions = manifest.entries.map(\.caption)
                return Pairs(images: .files(manifest.entries.map(\.imagePath)), captions: captions, matchKeys: captions)
            }
            return (try read(path), try data.validationPath.map(read))
        }
    }

    /// The run `configuration` describes, with every model resolved through `ModelRegistry`:
    ///
    /// - `clip_from_scratch`: a random-init CLIP of `contrastive.architecture`;
    /// - `contrastive` with `contrastive.model` `clipkit-default` (or `default`): the default
    ///   model's towers (EfficientNet-Lite0 pooled features, all-MiniLM-L6-v2) joined by new
    ///   projections, LiT-style; the default model itself, as shipped, gives the zero-shot
    ///   baseline on the validation pairs;
    /// - `contrastive` with any other reference: that model fine-tuned with its own projections
    ///   and logit scale (a checkpoint read by shape uses `model_activation` and `model_head_width`).
    public static func prepare(configuration: TrainingConfiguration, outputDirectory: URL?) throws
        -> (run: ContrastiveRun, zeroShot: [String: Double]?) {
        try configuration.validate(forTasks: [.contrastive, .clipFromScratch], runner: "ContrastiveTraining")
        let task = configuration.contrastive
        if configuration.task == .clipFromScratch {
            let tokenizer = try task.tokenizer.map { try CLIPTokenizer(mergesFile: URL(fileURLWithPath: $0)) }
                ?? ModelRegistry.clipTokenizer()
            return (try fromScratch(configuration: configuration, tokenizer: tokenizer, outputDirectory: outputDirectory), nil)
        }
        guard let name = task.model else {
            throw TrainingError.invalidConfiguration("task contrastive needs contrastive.model: \"clipkit-default\", a model name or a checkpoint path")
        }
        let reference = try ModelRegistry.resolve(name)
        if reference == .defaultModel {
            let towers = try DefaultModel.installedTowers()
            let shipped = try ModelRegistry.load(DefaultModel.name)
            let zeroShot = try validationRecall(of: shipped, configuration: configuration)
            let run = try withTowers(imageEncoder: towers.image, textEncoder: towers.text, preprocessing: towers.preprocessing,
                                     configuration: configuration, outputDirectory: outputDirectory)
            return (run, zeroShot)
        }
        var options = ModelOptions(headWidth: task.modelHeadWidth)
        if case .file = reference { options.activation = task.modelActivation }
        let model = try ModelRegistry.load(name, options: options)
        return (try fineTuning(model, configuration: configuration, outputDirectory: outputDirectory), nil)
    }

    /// Recall of an `ImageTextModel` as it is on the configured validation pairs (nil without
    /// validation data), computed as training validation computes it.
    public static func validationRecall(of model: ImageTextModel, configuration: TrainingConfiguration) throws -> [String: Double]? {
        guard let validation = try loadData(configuration.contrastive, seed: configuration.seed).validation,
              let preprocessing = configuration.contrastive.preprocessing ?? model.identity.preprocessing else { return nil }
        var source = CaptionedBatchSource(images: validation.images, captions: validation.captions, batchSize: 1,
                                          preprocessing: preprocessing, seed: 0)
        let count = validation.captions.count
        let images = try RowBatches.map(Array(0..<count), size: 32, dimension: model.identity.dimension) { indices in
            try model.embed(images: Tensor.stackingImages(try indices.map { try source.imageTensor($0, augmented: false) }))
        }
        return try RetrievalEvaluation.evaluate(pairedImages: images, texts: try model.embed(texts: validation.captions),
                                                matchKeys: validation.matchKeys, ks: [1, 5]).metrics
    }

    /// Task `clip_from_scratch`: a CLIP of `contrastive.architecture`, random-initialised from
    /// the seed (`CLIPInitialization`), trained on the configured data. Images are preprocessed
    /// with OpenAI's mean/std at the architecture's size unless `contrastive.preprocessing` is set.
    public static func fromScratch(configuration: TrainingConfiguration, tokenizer: CLIPTokenizer,
                                   outputDirectory: URL?) throws -> ContrastiveRun {
        try configuration.validate(forTasks: [.clipFromScratch], runner: "ContrastiveTraining.fromScratch")
        let clipConfiguration = try configuration.contrastive.architecture.clipConfiguration()
        let clip = CLIP(clipConfiguration)
        var generator = SeededGenerator(seed: configuration.seed ^ 0xC11F)
        try CLIPInitialization.initialize(clip, logScale: configuration.contrastive.initialLogScale, generator: &generator)
        var preprocessing = Preprocessing.openAICLIP(imageSize: clipConfiguration.vision.imageSize)
        preprocessing.resizeMode = .squash
        preprocessing.interpolation = .bilinear
        let model = try ModelRegistry.clip(clip, preprocessing: preprocessing, name: "clip_from_scratch", fingerprint: "",
                                           tokenizer: tokenizer)
        return try fineTuning(model, configuration: configuration, outputDirectory: outputDirectory)
    }

    /// Task `contrastive` on a loaded model with its own projections and logit scale
    /// (`contrastive.locking` freezes towers as in LiT). `initial_log_scale` is ignored: the
    /// model's `logit_scale` is where training starts.
    public static func fineTuning(_ base: ImageTextModel, configuration: TrainingConfiguration,
                                  outputDirectory: URL?) throws -> ContrastiveRun {
        try configuration.validate()
        var generator = SeededGenerator(seed: configuration.seed)
        let task = configuration.contrastive
        guard task.embeddingWidth == nil else {
            throw TrainingError.invalidConfiguration("contrastive.embedding_width is for towers without projections; \(base.identity.name) has its own")
        }
        guard let preprocessing = base.identity.preprocessing else {
            throw TrainingError.invalidConfiguration("\(base.identity.name) has no image preprocessing")
        }
        do {
            try base.textEncoder.checkVocabulary()
        } catch {
            throw TrainingError.invalidConfiguration("\(base.identity.name) cannot be fine-tuned with its tokenizer: \(error)")
        }
        let model = ContrastiveModel(imageEncoder: base.imageEncoder, textEncoder: base.textEncoder, embeddingWidth: nil,
                                     locking: task.locking, learnsScale: task.learnsScale, logScale: base.logScale,
                                     generator: &generator)
        let trainer = try makeTrainer(configuration: configuration, model: model, preprocessing: preprocessing,
                                      outputDirectory: outputDirectory)
        return ContrastiveRun(model: model, trainer: trainer, base: base)
    }

    /// Task `contrastive` over any two encoders joined by new projections of
    /// `contrastive.embedding_width` (default 256), e.g. the default model's EfficientNet-Lite0
    /// (locked) and all-MiniLM-L6-v2.
    public static func withTowers(imageEncoder: any ImageEncoder, textEncoder: any TextEncoder, preprocessing: Preprocessing,
                                  configuration: TrainingConfiguration, outputDirectory: URL?) throws -> ContrastiveRun {
        try configuration.validate()
        var generator = SeededGenerator(seed: configuration.seed)
        let task = configuration.contrastive
        let model = ContrastiveModel(imageEncoder: imageEncoder, textEncoder: textEncoder, embeddingWidth: task.embeddingWidth ?? 256,
                                     locking: task.locking, initialLogScale: task.initialLogScale, learnsScale: task.learnsScale,
                                     generator: &generator)
        let trainer = try makeTrainer(configuration: configuration, model: model, preprocessing: preprocessing,
                                      outputDirectory: outputDirectory)
        return ContrastiveRun(model: model, trainer: trainer, base: nil)
    }

    /// Image-encoder features `[N, featureWidth]` of `count` images, in chunks, without a tape.
    static func frozenFeatures(_ model: ContrastiveModel, count: Int, image: (Int) throws -> Tensor) throws -> Tensor {
        try RowBatches.map(Array(0..<count), size: 32, dimension: model.imageEncoder.embeddingWidth) { indices in
            model.imageEncoder.embed(Tensor.stackingImages(try indices.map(image)))
        }
    }

    /// A trainer for `model` on the configured data. `preprocessing` is the image tower's unless
    /// the configuration sets one. When the image tower is frozen and training images are not
    /// augmented, its features are computed once for every training and validation image.
    public static func makeTrainer(configuration: TrainingConfiguration, model: ContrastiveModel, preprocessing: Preprocessing,
                                   outputDirectory: URL?) throws -> Trainer<CaptionedBatchSource> {
        try configuration.validate()
        let task = configuration.contrastive
        let (train, validation) = try loadData(task, seed: configuration.seed)
        let resolvedPreprocessing = task.preprocessing ?? preprocessing
        var source = CaptionedBatchSource(images: train.images, captions: train.captions, batchSize: task.batchSize,
                                          preprocessing: resolvedPreprocessing, augmentation: task.augmentation,
                                          seed: configuration.seed &+ 1)
        var cachedTrainFeatures: Tensor?
        if model.imageTowerIsFrozen && !source.augments {
            var reader = source
            cachedTrainFeatures = try frozenFeatures(model, count: train.captions.count) { try reader.imageTensor($0, augmented: false) }
            source.preparesImages = false
        }
        let optimizer = configuration.optimizer.makeOptimizer(parameters: model.trainableParameters)
        let loop = configuration.training
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)
        var checks: Validation?
        if let validation {
            var evaluationSource = CaptionedBatchSource(images: validation.images, captions: validation.captions, batchSize: 1,
                                                        preprocessing: resolvedPreprocessing, seed: 0)
            let count = validation.captions.count
            let frozenImageFeatures = model.imageTowerIsFrozen
                ? try frozenFeatures(model, count: count) { try evaluationSource.imageTensor($0, augmented: false) } : nil
            let images = frozenImageFeatures == nil
                ? Tensor.stackingImages(try (0..<count).map { try evaluationSource.imageTensor($0, augmented: false) }) : nil
            let captions = validation.captions, keys = validation.matchKeys
            checks = Validation(metricNames: ["validation_loss", "i2t_r1", "i2t_r5", "t2i_r1", "t2i_r5"],
                                lossNames: ["validation_loss"]) {
                let imageEmbeddings = frozenImageFeatures.map { features in
                    GradientMode.withoutGradients { model.projectImageFeatures(Variable(features)).value }
                } ?? model.embedImages(images!)
                let textEmbeddings = try model.embedTexts(captions)
                var metrics = try RetrievalEvaluation.evaluate(pairedImages: imageEmbeddings, texts: textEmbeddings, matchKeys: keys,
                                                               ks: [1, 5]).metrics
                metrics["validation_loss"] = Double(Losses.clip(imageEmbeddings: .init(imageEmbeddings), textEmbeddings: .init(textEmbeddings),
                                                                logScale: .init(model.logScale.value)).value.item)
                return metrics
            }
        }
        let trainer = Trainer(model: model, optimizer: optimizer, schedule: schedule, source: source,
                              options: loop.trainerOptions, outputDirectory: outputDirectory, seed: configuration.seed,
                              validation: checks) { batch, _ in
            try model.loss(batch, imageFeatures: cachedTrainFeatures.map { Tensor.gather(rowsOf: $0, indices: batch.indices) })
        }
        trainer.afterStep = { model.clampLogitScale() }
        trainer.plotTitle = "Contrastive training (symmetric InfoNCE)"
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
        return trainer
    }
}
