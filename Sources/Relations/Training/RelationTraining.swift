import Autograd
import Foundation
import Models
import NN
import Optim
import Tensor
import Training

/// Task `sa_clip`: relation-aware CLIP trained on the `Trainer` (SA-CLIP, Li et al. 2025, §2.3):
/// each step takes N anchors and an inter-sample positive for each (`RelationBatchSource`),
/// encodes the 2N captions with their triples and the N·2 opposite-relation negatives in one
/// text pass, reads the images' precomputed features (the image tower is locked, so whole images
/// and region crops are encoded once; with `unlocked_image_blocks` the features are the locked
/// prefix's maps and the tower's last blocks run on them in each step), and minimises `RelationObjective`. Validation after each
/// epoch: paired and threshold true/false accuracy and silhouettes on the held-out scenes
/// (`RelationEvaluation`), and anomaly ROC-AUC on held-out traffic frames when configured.
public final class RelationTraining {
    public let configuration: TrainingConfiguration
    public let model: RelationAwareCLIP
    public let data: RelationData
    public let trainer: Trainer<RelationBatchSource>
    public let trainFeatures: RelationImageFeatures
    public let validationFeatures: RelationImageFeatures?
    /// Spatial configurations kept out of training (`sa_clip.data.held_out_configurations`).
    public let heldOutConfigurations: Set<String>

    /// Builds the model, the data and their image features (from `cache` when it holds them), and
    /// the trainer.
    public init(configuration: TrainingConfiguration, outputDirectory: URL?, cache: RelationFeatureCache? = nil,
                progress: ((String, Int, Int) -> Void)? = nil) throws {
        try configuration.validate(forTasks: [.saCLIP], runner: "RelationTraining")
        let task = configuration.saCLIP
        guard task.locksImageTower else {
            throw RelationError.invalidConfiguration("sa_clip trains with a locked image tower (locks_image_tower true); region crops are encoded once")
        }
        self.configuration = configuration
        heldOutConfigurations = Set(task.data.heldOutConfigurations ?? [])
        model = try RelationAwareCLIP.make(task: task, seed: configuration.seed)
        data = try RelationData.load(task.data, seed: configuration.seed)
        guard data.train.count >= task.anchorsPerBatch else {
            throw RelationError.invalidConfiguration("\(data.train.count) training examples cannot fill \(task.anchorsPerBatch) anchors")
        }
        let model = self.model
        func features(_ examples: [RelationExample], split: String, label: String) throws -> RelationImageFeatures {
            let key = try cache.flatMap { _ in try RelationFeatureCache.key(configuration, split: split) }
            if let cache, let key, let cached = cache.load(key, count: examples.count) { return cached }
            let computed = try RelationImageFeatures.compute(examples, encoder: model.imageEncoder, preprocessing: model.preprocessing,
                                                             regionMargin: task.regionMargin, suffixBlocks: task.unlockedImageBlocks,
                                                             progress: { progress?(label, $0, $1) })
            if let cache, let key { try cache.store(computed, key: key) }
            return computed
        }
        var encodedTrain = try features(data.train, split: "train", label: "encoding training images and regions")
        if task.objective.negativeGrounding == .own {
            let key = try cache.flatMap { _ in try RelationFeatureCache.key(configuration, split: "train") }
            if let cache, let key, let cached = cache.loadNegativeObjects(key, into: encodedTrain) {
                encodedTrain = cached
            } else {
                progress?("encoding the negatives' own object regions", 0, 1)
                encodedTrain = try encodedTrain.withNegativeObjects(of: data.train, encoder: model.imageEncoder, preprocessing: model.preprocessing,
                                                                      regionMargin: task.regionMargin, suffixBlocks: task.unlockedImageBlocks)
                progress?("encoding the negatives' own object regions", 1, 1)
                if let cache, let key { try cache.storeNegativeObjects(encodedTrain, key: key) }
            }
        }
        self.trainFeatures = encodedTrain
        validationFeatures = data.validation.isEmpty ? nil
            : try features(data.validation, split: "validation", label: "encoding held-out images and regions")
        let positives = task.objective.positives, trafficPositives = task.objective.trafficPositives ?? positives
        let trafficRows = data.trafficTraining
        let rules = data.train.indices.map { trafficRows.contains($0) ? trafficPositives : positives }
        let keyed = PositiveKeys.triples(data.train, singleAxisPositives: task.objective.singleAxisPositives)
        let keys = PositiveKeys.keys(keyed.texts, positives: rules)
        let imageKeys = keyed.images.map { PositiveKeys.keys($0, positives: rules) }
        let entersImageLoss = PositiveKeys.entersImageLoss(data.train, singleAxisPositives: task.objective.singleAxisPositives)
        let source = RelationBatchSource(keys: keys, imageKeys: imageKeys, entersImageLoss: entersImageLoss, anchorsPerBatch: task.anchorsPerBatch,
                                         seed: configuration.seed &+ 1)
        let optimizer = configuration.optimizer.makeOptimizer(groups: Self.optimizationGroups(model: model, headsScale: task.headsLearningRateScale))
        let loop = configuration.training
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)
        let train = data.train, trainFeatures = self.trainFeatures, objective = task.objective
        var validation: Validation?
        if let validationFeatures {
            let examples = data.validation, heldOut = heldOutConfigurations
            let heldOutNames = heldOut.isEmpty ? [] : ["vsr_paired_held_out_configurations", "vsr_threshold_held_out_configurations"]
            validation = Validation(metricNames: ["vsr_paired", "vsr_threshold", "text_silhouette", "image_silhouette"] + heldOutNames) {
                let features = try RelationEvaluation.features(model: model, examples: examples, imageFeatures: validationFeatures)
                let report = try RelationEvaluation.report(examples: examples, features: features)
                var metrics = ["vsr_paired": report.pairedAccuracy]
                metrics["vsr_threshold"] = report.thresholdAccuracy
                metrics["text_silhouette"] = report.textSilhouette
                metrics["image_silhouette"] = report.imageSilhouette
                if !heldOut.isEmpty {
                    let parts = try RelationEvaluation.heldOutGroupReports(examples: examples, features: features, heldOutGroups: heldOut)
                    metrics["vsr_paired_held_out_configurations"] = parts.heldOut.pairedAccuracy
                    metrics["vsr_threshold_held_out_configurations"] = parts.heldOut.thresholdAccuracy
                }
                return metrics
            }
        }
        trainer = Trainer(model: model, optimizer: optimizer, schedule: schedule, source: source, options: loop.trainerOptions,
                          outputDirectory: outputDirectory, seed: configuration.seed, validation: validation) { batch, _ in
            try Self.loss(model: model, examples: train, features: trainFeatures, batch: batch, objective: objective)
        }
        trainer.afterStep = { model.clampLogitScale() }
        trainer.plotTitle = task.relationFeatures ? "SA-CLIP (relation-aware CLIP)" : "Dual encoder baseline (sa_clip data)"
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
    }

    /// One group of every trainable parameter, or with `headsScale` ≠ 1 the heads' parameters
    /// (`RelationHeads`) at that learning-rate scale and the rest (towers, logit scale) at 1.
    static func optimizationGroups(model: RelationAwareCLIP, headsScale: Float) -> [OptimizationGroup] {
        guard headsScale != 1 else { return [OptimizationGroup(parameters: model.trainableParameters)] }
        let heads = model.heads.trainableParameters, headIdentities = Set(heads.map(ObjectIdentifier.init))
        return [OptimizationGroup(parameters: heads, learningRateScale: headsScale),
                OptimizationGroup(parameters: model.trainableParameters.filter { !headIdentities.contains(ObjectIdentifier($0)) })]
    }

    /// The loss of one batch: positives and negatives through the text encoder together.
    static func loss(model: RelationAwareCLIP, examples: [RelationExample], features: RelationImageFeatures, batch: RelationBatch,
                     objective: RelationTaskConfiguration.Objective) throws -> Variable {
        let rows = batch.indices.map { examples[$0] }
        let negativeRows = rows.indices.filter { rows[$0].negative != nil }
        let negatives = negativeRows.map { rows[$0].negative! }
        let encoded = try model.encodeTexts(rows.map(\.caption) + negatives.map(\.caption),
                                            triples: rows.map(\.triple) + negatives.map(\.triple))  // [2N + negatives, width]
        let texts = encoded.narrowed(alongAxis: 0, start: 0, length: rows.count)
        let negativeTexts = negatives.isEmpty ? nil : encoded.narrowed(alongAxis: 0, start: rows.count, length: negatives.count)
        let rowFeatures = features.rows(batch.indices)
        let images: Variable, negativeImages: Variable?
        if objective.negativeGrounding == .own {
            (images, negativeImages) = model.encodeImagesWithNegativeObjects(rowFeatures)
        } else {
            (images, negativeImages) = (model.encodeImages(rowFeatures), nil)
        }
        return RelationObjective.loss(texts: texts, images: images, negativeImages: negativeImages, negativeTexts: negativeTexts,
                                      negativeRows: negativeRows, keys: batch.keys, imageKeys: batch.imageKeys,
                                      imageRows: batch.imageRows, logScale: model.logScale.variable, objective: objective).loss
    }

    /// The held-out report (nil without validation examples).
    public func evaluate() throws -> RelationEvaluation.Report? {
        guard let validationFeatures else { return nil }
        return try RelationEvaluation.report(examples: data.validation,
                                             features: try RelationEvaluation.features(model: model, examples: data.validation,
                                                                                       imageFeatures: validationFeatures))
    }

    /// The held-out scenes' reports on seen and on held-out configurations (nil without
    /// validation examples or held-out configurations).
    public func evaluateConfigurations() throws -> (seen: RelationEvaluation.Report, heldOut: RelationEvaluation.Report)? {
        guard let validationFeatures, !heldOutConfigurations.isEmpty else { return nil }
        let features = try RelationEvaluation.features(model: model, examples: data.validation, imageFeatures: validationFeatures)
        return try RelationEvaluation.heldOutGroupReports(examples: data.validation, features: features, heldOutGroups: heldOutConfigurations)
    }

    /// Anomaly ROC-AUC on the held-out traffic frames (nil when none are configured).
    public func evaluateAnomalies(miner: RelationMiner) throws -> AnomalyScoring.Report? {
        guard !data.trafficValidation.isEmpty else { return nil }
        let frames = data.trafficValidation.map(data.traffic.frame)
        return try AnomalyScoring.report(AnomalyScoring.score(model: model, frames: frames, anomalyDescriptions: data.traffic.frameAnomalyDescriptions,
                                                              normalDescriptions: data.traffic.frameNormalDescriptions, miner: miner,
                                                              regionMargin: configuration.saCLIP.regionMargin))
    }
}
