import Autograd
import Checkpoint
import Datasets
import Foundation
import Models
import NN
import Optim
import Tensor
import Training

/// The `diffusion` and `ip_adapter` training tasks assembled from a `TrainingConfiguration`:
///
/// - `diffusion`: a text-conditioned U-Net trained from scratch on captioned photos with the
///   ε-prediction objective L = E‖ε − ε_θ(x_t, t, c_text)‖² (Ho et al. 2020; the seed paper's
///   Eq. 17 without the image term), the prompt emptied with probability `text_dropout` so
///   classifier-free guidance works (Eq. 11).
/// - `ip_adapter`: IP-Adapter on the frozen U-Net of a `diffusion` run (Ye et al. 2023): the image
///   projection and every `to_k_ip`/`to_v_ip` are trained, and with `attention` aggregation the
///   self-attention aggregator too (the seed paper's §3.5). With `references: self` the prompt is
///   the target photo's own embedding (Eq. 17); with `leave_one_out` the target is one photo of a
///   person and the prompt aggregates the person's other photos (Eq. 1). The image prompt, the
///   text, or both are dropped with probability 0.05 each (zero embedding, empty prompt).
///
/// The frozen encoders' outputs (MiniLM token states of every caption, EfficientNet-Lite0
/// embeddings of every photo) are computed once. Validation: the mean denoising loss over the
/// held-out people's photos at fixed timesteps and noise.
public final class DiffusionTraining {
    public let configuration: TrainingConfiguration
    public let task: DiffusionTaskConfiguration
    public let faces: CaptionedImages
    public let validationFaces: CaptionedImages?
    public let unet: UNet2DConditionModel
    public let schedulerConfiguration: SchedulerConfiguration
    public let promptEncoder: TokenStatePromptEncoder
    /// Task `ip_adapter`: the adapter, the aggregator (attention aggregation) and the image encoder.
    public let adapter: IPAdapter?
    public let aggregator: AttentionAggregator?
    public let imageEncoder: ReferenceImageEncoder?
    public let trainer: Trainer<PhotoBatches>

    /// The trained modules under one roof for the trainer's checkpoints.
    struct AdapterModules: Module {
        @Key("adapter") var adapter: IPAdapter
        @Key("aggregator") var aggregator: AttentionAggregator?

        init(adapter: IPAdapter, aggregator: AttentionAggregator?) {
            self.adapter = adapter
            self.aggregator = aggregator
        }
    }

    /// Loads the data and encoders and builds the networks and the trainer; `write` receives progress lines.
    public init(configuration: TrainingConfiguration, outputDirectory: URL?, write: @escaping (String) -> Void = { print($0) }) throws {
        try configuration.validate(forTasks: [.diffusion, .ipAdapter], runner: "DiffusionTraining")
        self.configuration = configuration
        let task = configuration.diffusion
        self.task = task
        let isAdapter = configuration.task == .ipAdapter
        let data = task.data
        let folders = try PersonFolders(root: URL(fileURLWithPath: data.personFolders, isDirectory: true))
        let attributes = try FaceAttributeTable(contentsOf: URL(fileURLWithPath: data.attributes))
        faces = try CaptionedImages(folders: folders, attributes: attributes, people: data.people[0]..<data.people[1],
                                   size: data.imageSize, channels: data.channels)
        validationFaces = try data.validationPeople.map { range in
            try CaptionedImages(folders: folders, attributes: attributes, people: range[0]..<range[1], size: data.imageSize,
                               channels: data.channels)
        }
        promptEncoder = try InstalledConditioningEncoders.promptEncoder(task.textEncoder, contextLength: task.contextLength)

        var generator = SeededGenerator(seed: configuration.seed)
        if isAdapter {
            guard let base = task.baseModel else { throw TrainingError.invalidConfiguration("task ip_adapter needs diffusion.base_model") }
            let folder = URL(fileURLWithPath: base, isDirectory: true)
            unet = try UNet2DConditionModel(directory: folder.appendingPathComponent("unet"))
            schedulerConfiguration = try SchedulerConfiguration.load(contentsOf: folder.appendingPathComponent("scheduler/scheduler_config.json"))
        } else {
            guard let path = task.unetConfig else { throw TrainingError.invalidConfiguration("task diffusion needs diffusion.unet_config") }
            unet = UNet2DConditionModel(configuration: try UNet2DConditionConfiguration.load(contentsOf: URL(fileURLWithPath: path)))
            DiffusionInitialization.initialize(unet, generator: &generator)
            schedulerConfiguration = try task.schedulerConfig.map { try SchedulerConfiguration.load(contentsOf: URL(fileURLWithPath: $0)) }
                ?? SchedulerConfiguration()
        }
        guard unet.configuration.crossAttentionDimension == promptEncoder.contextWidth,
              unet.configuration.inChannels == data.channels, unet.configuration.outChannels == data.channels else {
            throw TrainingError.invalidConfiguration(
                "the U-Net (cross-attention \(unet.configuration.crossAttentionDimension), \(unet.configuration.inChannels) channels) does not fit "
                + "the text encoder (\(promptEncoder.contextWidth)) and \(data.channels)-channel images")
        }
        let contexts = try promptEncoder.contexts(for: faces.captionTexts + [""])  // [captions + 1, tokens, width]
        let textEncoder = promptEncoder
        let validationContexts = try validationFaces.map { try textEncoder.contexts(for: $0.captionTexts + [""]) }

        var adapter: IPAdapter?, aggregator: AttentionAggregator?, imageEncoder: ReferenceImageEncoder?
        var embeddings: Tensor?, validationEmbeddings: Tensor?
        let adapterSettings = task.adapter
        let aggregation = ImagePromptAggregation(rawValue: adapterSettings.aggregation)
        if isAdapter {
            guard let aggregation, ["self", "leave_one_out"].contains(adapterSettings.references) else {
                throw TrainingError.invalidConfiguration("diffusion.adapter: references self|leave_one_out, aggregation mean|max|concat|attention")
            }
            let encoder = try InstalledConditioningEncoders.imageEncoder(task.imageEncoder)
            imageEncoder = encoder
            embeddings = try Self.embeddings(of: faces, encoder: encoder)
            validationEmbeddings = try validationFaces.map { try Self.embeddings(of: $0, encoder: encoder) }
            unet.freeze(paths: [""])
            let fresh = IPAdapter(for: unet, imageEmbeddingWidth: encoder.embeddingWidth, tokens: adapterSettings.tokens)
            if let initial = adapterSettings.initialAdapter {
                let loaded = try IPAdapter.load(contentsOf: URL(fileURLWithPath: initial), for: unet)
                for ((_, target), (_, source)) in zip(fresh.namedParameters, loaded.namedParameters) { target.value = source.value }
            } else {
                Self.initialize(fresh, from: unet, generator: &generator)
            }
            adapter = fresh
            if aggregation == .attention {
                aggregator = AttentionAggregator(width: encoder.embeddingWidth, heads: adapterSettings.heads, generator: &generator)
            }
        }
        self.adapter = adapter
        self.aggregator = aggregator
        self.imageEncoder = imageEncoder

        let model: any Module = adapter.map { AdapterModules(adapter: $0, aggregator: aggregator) } ?? unet
        let loop = configuration.training
        let source = PhotoBatches(count: faces.count, batchSize: task.batchSize, seed: configuration.seed &+ 1)
        let optimizer = configuration.optimizer.makeOptimizer(parameters: model.trainableParameters)
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)
        let movingAverage = task.emaDecay.map { decay in
            ExponentialMovingAverage(namedParameters: model.namedParameters.filter { $0.parameter.isTrainable }, decay: decay,
                                     warmup: .updateCount)
        }

        let objective = DenoisingObjective(unet: unet, schedule: schedulerConfiguration.noiseSchedule,
                                           prediction: schedulerConfiguration.predictionType, adapter: adapter, aggregator: aggregator,
                                           aggregation: aggregation ?? .mean, leaveOneOut: adapterSettings.references == "leave_one_out")
        let faces = self.faces, textDropout = task.textDropout
        let validation = validationFaces.map { held in
            Validation(metricNames: ["validation_loss"], lossNames: ["validation_loss"]) {
                ["validation_loss": Double(objective.validationLoss(faces: held, contexts: validationContexts!,
                                                                   embeddings: validationEmbeddings))]
            }
        }
        trainer = Trainer(model: model, stages: [TrainingStage(name: "main", optimizer: optimizer, schedule: schedule) { batch, generator in
            var dropText = [Bool](), dropImage = [Bool]()
            for _ in batch {
                if isAdapter {
                    let draw = Float(generator.nextUniform())
                    let (image, text, both) = (adapterSettings.imageDropout, adapterSettings.textDropout, adapterSettings.bothDropout)
                    dropImage.append(draw < image || (draw >= image + text && draw < image + text + both))
                    dropText.append((draw >= image && draw < image + text + both))
                } else {
                    dropImage.append(true)
                    dropText.append(Float(generator.nextUniform()) < textDropout)
                }
            }
            return objective.loss(photos: batch, faces: faces, contexts: contexts, embeddings: embeddings, dropText: dropText,
                                  dropImage: dropImage, generator: &generator)
        }], source: source, options: loop.trainerOptions, outputDirectory: outputDirectory, seed: configuration.seed,
            validation: validation, movingAverage: movingAverage)
        trainer.write = write
        trainer.plotTitle = isAdapter ? "IP-Adapter (\(adapterSettings.references), \(adapterSettings.aggregation))" : "text-conditioned U-Net"
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
        unet.setMode(isAdapter ? .inference : .training)
    }

    /// The frozen image encoder's embeddings of every photo `[count, width]`.
    static func embeddings(of faces: CaptionedImages, encoder: ReferenceImageEncoder) throws -> Tensor {
        let rows = try stride(from: 0, to: faces.count, by: 32).map { start in
            try encoder.embeddings(of: Array(faces.originals[start..<min(start + 32, faces.count)]))
        }
        return Tensor.concatenate(rows, alongAxis: 0)  // [count, width]
    }

    /// IP-Adapter's initialisation (its training script): the image projection as PyTorch
    /// initialises a `Linear`, every `to_k_ip`/`to_v_ip` a copy of its layer's text `to_k`/`to_v`.
    static func initialize(_ adapter: IPAdapter, from unet: UNet2DConditionModel, generator: inout SeededGenerator) {
        DiffusionInitialization.initialize(adapter.imageProjection, generator: &generator)
        let attentions = (unet.downBlocks.flatMap { $0.attentions ?? [] } + unet.upBlocks.flatMap { $0.attentions ?? [] }
            + (unet.midBlock?.attentions ?? [])).flatMap(\.blocks).map(\.crossAttention)
        for (layer, attention) in zip(adapter.layers, attentions) {
            layer.keyProjection.weight.value = attention.keyProjection!.weight.value
            layer.valueProjection.weight.value = attention.valueProjection!.weight.value
        }
    }

    /// Writes the trained model for generation (see `TrainedDiffusionManifest`): the U-Net (the
    /// moving average when kept), the scheduler and, for `ip_adapter`, the adapter and aggregator.
    public func saveModel(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let averaged = trainer.movingAverage?.averagedValues
        try unet.save(to: directory.appendingPathComponent("unet"), weights: adapter == nil ? averaged : nil)
        let schedulerFolder = directory.appendingPathComponent("scheduler")
        try FileManager.default.createDirectory(at: schedulerFolder, withIntermediateDirectories: true)
        var scheduler = schedulerConfiguration
        scheduler.className = scheduler.className ?? "DDPMScheduler"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(scheduler).write(to: schedulerFolder.appendingPathComponent("scheduler_config.json"))
        var manifest = TrainedDiffusionManifest(textEncoder: task.textEncoder, contextLength: task.contextLength,
                                                imageSize: task.data.imageSize, channels: task.data.channels)
        if let adapter {
            func values(_ module: any Module, prefix: String) -> [String: Tensor] {
                Dictionary(uniqueKeysWithValues: module.namedParameters.map { name, parameter in
                    (name, averaged?[prefix + name] ?? parameter.value)
                })
            }
            try SafetensorsFile.write(values(adapter, prefix: "adapter."), to: directory.appendingPathComponent("ip-adapter.safetensors"))
            manifest.imageEncoder = task.imageEncoder
            manifest.ipAdapter = "ip-adapter.safetensors"
            if let aggregator {
                try SafetensorsFile.write(values(aggregator, prefix: "aggregator."), to: directory.appendingPathComponent("aggregator.safetensors"))
                manifest.aggregator = "aggregator.safetensors"
                manifest.aggregatorHeads = task.adapter.heads
                manifest.aggregatorReferences = (faces.imagesOfGroup.map(\.count).min() ?? 2) - 1
            }
        }
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(TrainedDiffusionManifest.fileName))
    }
}
