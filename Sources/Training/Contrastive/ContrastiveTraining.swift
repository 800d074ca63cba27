import Foundation
import Imaging
import NN
import Optim
import Tensor

/// The `contrastive` and `clip_from_scratch` tasks: everything but the CLIP towers.
///
/// Given an image tower and a text tower (any `ImageTower` / `TextTower`), `makeTrainer` builds
/// the data (CSV, JSON lines or synthetic shapes), the `ContrastiveModel` with its locking, the
/// optimiser over the trainable parameters, the schedule, the InfoNCE loss with the logit-scale
/// clamp after each step and a recall validation. What the configuration cannot do yet is name
/// the towers: that needs the CLIP vision/text transformers of Models and the facade that loads
/// a model by name (with its preprocessing and tokenizer).
public enum ContrastiveTraining {
    /// Fails with the reason the task cannot run with this build, after checking its data settings.
    public static func checkAvailability(_ configuration: TrainingConfiguration) throws {
        _ = try loadData(configuration.contrastive, seed: configuration.seed)
        throw TrainingError.unavailableTask(
            task: configuration.task.rawValue,
            reason: """
                the data and InfoNCE plumbing is ready (ContrastiveTraining.makeTrainer), but the CLIP image and text \
                towers are not in Models on this branch yet; once they are, adapt them to ImageTower/TextTower and \
                resolve contrastive.model to them
                """)
    }

    /// Training and validation pairs for `configuration`.
    public static func loadData(_ configuration: ContrastiveTaskConfiguration, seed: UInt64) throws
        -> (train: (images: CaptionedImages, captions: [String]), validation: (images: CaptionedImages, captions: [String])?) {
        let data = configuration.data
        switch data.source {
        case .syntheticShapes:
            let shapes = SyntheticShapes(canvasSize: data.shapesCanvas, heldOutFraction: data.shapesHeldOutFraction, seed: seed)
            let train = shapes.examples(data.shapesCount, split: .train, seed: seed &+ 11)
            let validation = data.shapesValidationCount > 0 && !shapes.heldOutLayouts.isEmpty
                ? shapes.examples(data.shapesValidationCount, split: .heldOut, seed: seed &+ 12) : []
            return ((.inMemory(train.map(\.image)), train.map(\.caption)),
                    validation.isEmpty ? nil : (.inMemory(validation.map(\.image)), validation.map(\.caption)))
        case .csv, .jsonl:
            guard let path = data.path else {
                throw TrainingError.invalidConfiguration("contrastive.data.source \(data.source.rawValue) needs a path")
            }
            guard let separator = data.separator.first, data.separator.count == 1 else {
                throw TrainingError.invalidConfiguration("contrastive.data.separator must be one character")
            }
            let format: CaptionedImageManifest.Format = data.source == .csv ? .csv : .jsonl
            func read(_ path: String) throws -> (CaptionedImages, [String]) {
                let manifest = try CaptionedImageManifest(contentsOf: URL(fileURLWithPath: path), format: format,
                                                          imageKey: data.imageKey, captionKey: data.captionKey, separator: separator)
                return (.files(manifest.entries.map(\.imagePath)), manifest.entries.map(\.caption))
            }
            return (try read(path), try data.validationPath.map(read))
        }
    }

    /// A trainer for `model` on the configured data. `preprocessing` is the image tower's unless
    /// the configuration sets one.
    public static func makeTrainer(configuration: TrainingConfiguration, model: ContrastiveModel, preprocessing: Preprocessing,
                                   outputDirectory: URL?) throws -> Trainer<CaptionedBatchSource> {
        let task = configuration.contrastive
        let (train, validation) = try loadData(task, seed: configuration.seed)
        let resolvedPreprocessing = task.preprocessing ?? preprocessing
        let source = CaptionedBatchSource(images: train.images, captions: train.captions, batchSize: task.batchSize,
                                          preprocessing: resolvedPreprocessing, augmentation: task.augmentation,
                                          seed: configuration.seed &+ 1)
        let optimizer = configuration.optimizer.makeOptimizer(parameters: model.trainableParameters)
        let loop = configuration.training
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)
        var checks: Validation?
        if let validation {
            var evaluationSource = CaptionedBatchSource(images: validation.images, captions: validation.captions, batchSize: 1,
                                                        preprocessing: resolvedPreprocessing, seed: 0)
            let images = Tensor.stackingImages((0..<validation.captions.count).map { evaluationSource.imageTensor($0, augmented: false) })
            let captions = validation.captions
            checks = Validation(metricNames: ["validation_loss", "i2t_r1", "i2t_r5", "t2i_r1", "t2i_r5"],
                                lossNames: ["validation_loss"]) {
                let imageEmbeddings = model.encodeImages(images, mode: .inference).value
                let textEmbeddings = model.encodeTexts(captions, mode: .inference).value
                var metrics = ContrastiveEvaluation.recall(images: imageEmbeddings, texts: textEmbeddings, captions: captions,
                                                           ks: [1, 5]).metrics
                metrics["validation_loss"] = Double(Losses.clip(imageEmbeddings: .init(imageEmbeddings), textEmbeddings: .init(textEmbeddings),
                                                                logScale: .init(model.logScale.value)).value.item)
                return metrics
            }
        }
        let trainer = Trainer(model: model, optimizer: optimizer, schedule: schedule, source: source,
                              options: loop.trainerOptions, outputDirectory: outputDirectory, seed: configuration.seed,
                              validation: checks) { batch, _ in model.loss(batch) }
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
