import Autograd
import Foundation
import Imaging
import Models
import NN
import Optim
import Tensor
import Tokenizers

/// The `contrastive` and `clip_from_scratch` tasks: symmetric InfoNCE over an image tower and a
/// text tower (any `ImageTower` / `TextTower`).
///
/// `makeTrainer` builds the data (CSV, JSON lines or synthetic shapes), the optimiser over the
/// model's trainable parameters, the schedule, the loss with the logit-scale clamp after each
/// step and a recall validation. The entry points build the model first:
/// `fromScratch` (a random-init CLIP of `contrastive.architecture`), `fineTuning` (an
/// already-loaded CLIP, e.g. from `loadCLIP(path:activation:)` or the CLIPKit facade) and
/// `withTowers` (any pair of towers with projections, e.g. EfficientNet-Lite0 + MiniLM for LiT).
/// Resolving model *names* to files is the facade's job, not this target's.
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

    /// A CLIP from a checkpoint path: a Hugging Face folder (`config.json` + weights), or an
    /// OpenCLIP state dict (`.bin`, `.pth`, `.safetensors`) or OpenAI TorchScript `.pt` whose
    /// configuration is read off the tensor shapes, with `activation` in the transformer MLPs and
    /// heads of `headWidth`. Returns the model and OpenAI's preprocessing at its image size.
    public static func loadCLIP(path: String, activation: Activation, headWidth: Int = 64) throws -> (CLIP, Preprocessing) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TrainingError.invalidConfiguration(
                "contrastive.model \(path) is not a file or folder (model names are resolved by the clipkit command, not here)")
        }
        let url = URL(fileURLWithPath: path)
        let model = isDirectory.boolValue ? try CLIP.loadHuggingFace(directory: url) : try CLIP.load(contentsOf: url, activation: activation, headWidth: headWidth)
        var preprocessing = Preprocessing.openAICLIP
        preprocessing.imageSize = model.configuration.vision.imageSize
        return (model, preprocessing)
    }

    /// Task `clip_from_scratch`: a CLIP of `contrastive.architecture`, random-initialised from
    /// the seed (`CLIPInitialization`), trained on the configured data. Images are preprocessed
    /// with OpenAI's mean/std at the architecture's size unless `contrastive.preprocessing` is set.
    public static func fromScratch(configuration: TrainingConfiguration, tokenizer: CLIPTokenizer,
                                   outputDirectory: URL?) throws -> ContrastiveRun {
        let clipConfiguration = try configuration.contrastive.architecture.clipConfiguration()
        let clip = CLIP(clipConfiguration)
        var generator = SeededGenerator(seed: configuration.seed ^ 0xC11F)
        try CLIPInitialization.initialize(clip, logScale: configuration.contrastive.initialLogScale, generator: &generator)
        var preprocessing = Preprocessing.openAICLIP
        preprocessing.imageSize = clipConfiguration.vision.imageSize
        preprocessing.resizeMode = .squash
        preprocessing.interpolation = .bilinear
        return try fineTuning(clip, tokenizer: tokenizer, preprocessing: preprocessing, configuration: configuration,
                              outputDirectory: outputDirectory)
    }

    /// Task `contrastive` on an already-loaded CLIP (its own projections and logit scale;
    /// `contrastive.locking` freezes towers as in LiT). `initial_log_scale` is ignored: the
    /// model's `logit_scale` is where training starts.
    public static func fineTuning(_ clip: CLIP, tokenizer: CLIPTokenizer, preprocessing: Preprocessing,
                                  configuration: TrainingConfiguration, outputDirectory: URL?) throws -> ContrastiveRun {
        var generator = SeededGenerator(seed: configuration.seed)
        let task = configuration.contrastive
        guard task.embeddingWidth == nil else {
            throw TrainingError.invalidConfiguration("contrastive.embedding_width is for towers without projections; a CLIP has its own")
        }
        guard clip.configuration.text.vocabularySize >= tokenizer.vocabularySize else {
            throw TrainingError.invalidConfiguration(
                "the CLIP's text tower has \(clip.configuration.text.vocabularySize) token embeddings, fewer than the tokenizer's \(tokenizer.vocabularySize) ids")
        }
        let model = ContrastiveModel(imageTower: CLIPImageEncoder(clip.imageTower),
                                     textTower: CLIPTextEncoder(clip.textTower, tokenizer: tokenizer), embeddingWidth: nil,
                                     locking: task.locking, learnsScale: task.learnsScale, logScale: clip.logitScale,
                                     generator: &generator)
        let trainer = try makeTrainer(configuration: configuration, model: model, preprocessing: preprocessing,
                                      outputDirectory: outputDirectory)
        return ContrastiveRun(model: model, trainer: trainer, clip: clip)
    }

    /// Task `contrastive` over any two towers joined by new projections of
    /// `contrastive.embedding_width` (default 256), e.g. the default model's EfficientNet-Lite0
    /// (locked) and all-MiniLM-L6-v2.
    public static func withTowers(imageTower: any ImageTower, textTower: any TextTower, preprocessing: Preprocessing,
                                  configuration: TrainingConfiguration, outputDirectory: URL?) throws -> ContrastiveRun {
        var generator = SeededGenerator(seed: configuration.seed)
        let task = configuration.contrastive
        let model = ContrastiveModel(imageTower: imageTower, textTower: textTower, embeddingWidth: task.embeddingWidth ?? 256,
                                     locking: task.locking, initialLogScale: task.initialLogScale, learnsScale: task.learnsScale,
                                     generator: &generator)
        let trainer = try makeTrainer(configuration: configuration, model: model, preprocessing: preprocessing,
                                      outputDirectory: outputDirectory)
        return ContrastiveRun(model: model, trainer: trainer, clip: nil)
    }

    /// Image-tower features `[N, featureWidth]` of `count` images, in chunks, without a tape.
    static func frozenFeatures(_ model: ContrastiveModel, count: Int, image: (Int) -> Tensor) -> Tensor {
        let chunk = 32
        var rows: [Tensor] = []
        for start in stride(from: 0, to: count, by: chunk) {
            let images = Tensor.stackingImages((start..<min(start + chunk, count)).map(image))
            rows.append(GradientMode.withoutGradients { model.imageTower.features(Variable(images)).value })
        }
        return Tensor.concatenate(rows, alongAxis: 0)
    }

    /// A trainer for `model` on the configured data. `preprocessing` is the image tower's unless
    /// the configuration sets one. When the image tower is frozen and training images are not
    /// augmented, its features are computed once for every training and validation image.
    public static func makeTrainer(configuration: TrainingConfiguration, model: ContrastiveModel, preprocessing: Preprocessing,
                                   outputDirectory: URL?) throws -> Trainer<CaptionedBatchSource> {
        let task = configuration.contrastive
        let (train, validation) = try loadData(task, seed: configuration.seed)
        let resolvedPreprocessing = task.preprocessing ?? preprocessing
        var source = CaptionedBatchSource(images: train.images, captions: train.captions, batchSize: task.batchSize,
                                          preprocessing: resolvedPreprocessing, augmentation: task.augmentation,
                                          seed: configuration.seed &+ 1)
        var cachedTrainFeatures: Tensor?
        if model.imageTowerIsFrozen && !source.augments {
            var reader = source
            cachedTrainFeatures = frozenFeatures(model, count: train.captions.count) { reader.imageTensor($0, augmented: false) }
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
                ? frozenFeatures(model, count: count) { evaluationSource.imageTensor($0, augmented: false) } : nil
            let images = frozenImageFeatures == nil
                ? Tensor.stackingImages((0..<count).map { evaluationSource.imageTensor($0, augmented: false) }) : nil
            let captions = validation.captions, keys = validation.matchKeys
            checks = Validation(metricNames: ["validation_loss", "i2t_r1", "i2t_r5", "t2i_r1", "t2i_r5"],
                                lossNames: ["validation_loss"]) {
                let imageEmbeddings = frozenImageFeatures.map { features in
                    GradientMode.withoutGradients { model.projectImageFeatures(Variable(features)).value }
                } ?? model.encodeImages(images!, mode: .inference).value
                let textEmbeddings = model.encodeTexts(captions, mode: .inference).value
                var metrics = ContrastiveEvaluation.recall(images: imageEmbeddings, texts: textEmbeddings, captions: keys,
                                                           ks: [1, 5]).metrics
                metrics["validation_loss"] = Double(Losses.clip(imageEmbeddings: .init(imageEmbeddings), textEmbeddings: .init(textEmbeddings),
                                                                logScale: .init(model.logScale.value)).value.item)
                return metrics
            }
        }
        let trainer = Trainer(model: model, optimizer: optimizer, schedule: schedule, source: source,
                              options: loop.trainerOptions, outputDirectory: outputDirectory, seed: configuration.seed,
                              validation: checks) { batch, _ in
            model.loss(batch, imageFeatures: cachedTrainFeatures.map { Tensor.gather(rowsOf: $0, indices: batch.indices) })
        }
        trainer.afterStep = { model.clampLogitScale() }
        trainer.plotTitle = "Contrastive training (symmetric InfoNCE)"
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
        if let stepsPerEpoch = loop.stepsPerEpoch, stepsPerEpoch != source.batchesPerEpoch {
            // The epoch is one pass over the pairs; steps_per_epoch only applies to random triplets.
            trainer.write("note: contrastive epochs are one pass over the data (\(source.batchesPerEpoch) steps); steps_per_epoch ignored")
        }
        return trainer
    }
}
