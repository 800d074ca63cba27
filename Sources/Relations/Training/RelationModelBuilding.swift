import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Tensor
import Training

extension RelationAwareCLIP {
    /// The model an `sa_clip` configuration describes, towers resolved through `ModelRegistry`:
    /// `clipkit-default` (or `default`) gives the default model's EfficientNet-Lite0 (pooled
    /// 1280-wide features) and all-MiniLM-L6-v2 joined by new projections of `embedding_width`;
    /// any other reference its own encoders, preprocessing and logit scale, without projections.
    /// Heads are initialised from `seed`.
    public static func make(task: RelationTaskConfiguration, seed: UInt64) throws -> RelationAwareCLIP {
        var generator = SeededGenerator(seed: seed ^ 0x5AC1_1B)
        let reference = try ModelRegistry.resolve(task.model)
        func resized(_ preprocessing: Preprocessing) throws -> Preprocessing {
            guard let size = task.inputSize else { return preprocessing }
            guard size >= 32 else { throw RelationError.invalidConfiguration("sa_clip.input_size must be at least 32") }
            var result = preprocessing
            result.imageSize = size
            result.resizeSize = nil
            result.resizeMode = .squash
            return result
        }
        if reference == .defaultModel {
            let towers = try DefaultModel.installedTowers()
            return try RelationAwareCLIP(imageEncoder: towers.image, textEncoder: towers.text, preprocessing: try resized(towers.preprocessing),
                                         embeddingWidth: task.embeddingWidth, relationWidth: task.relationWidth,
                                         usesRelationFeatures: task.relationFeatures,
                                         normalizesRegionFeatures: task.regionEncoding == .lxmert,
                                         fusesRegionsNonlinearly: task.regionFusion == .mlp, locksImageTower: task.locksImageTower,
                                         unlockedImageBlocks: task.unlockedImageBlocks,
                                         generator: &generator)
        }
        let loaded = try ModelRegistry.load(task.model)
        guard let preprocessing = loaded.identity.preprocessing else {
            throw RelationError.invalidConfiguration("\(task.model) has no image preprocessing")
        }
        if let size = task.inputSize, let fixed = loaded.imageEncoder.inputSize, size != fixed {
            throw RelationError.invalidConfiguration("\(task.model) takes \(fixed)-pixel images; sa_clip.input_size \(size) does not fit")
        }
        return try RelationAwareCLIP(imageEncoder: loaded.imageEncoder, textEncoder: loaded.textEncoder, preprocessing: try resized(preprocessing),
                                     embeddingWidth: nil, relationWidth: task.relationWidth, usesRelationFeatures: task.relationFeatures,
                                     normalizesRegionFeatures: task.regionEncoding == .lxmert,
                                         fusesRegionsNonlinearly: task.regionFusion == .mlp, locksImageTower: task.locksImageTower,
                                         unlockedImageBlocks: task.unlockedImageBlocks,
                                     logScale: loaded.logScale, generator: &generator)
    }

    /// The metadata key under which a saved model keeps its run's configuration.
    public static let configurationMetadataKey = "clipkit.configuration"

    /// Writes every weight under the model's names, with the run's configuration in the metadata.
    public func save(to url: URL, configuration: TrainingConfiguration) throws {
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in namedParameters { tensors[name] = parameter.value }
        let json = String(decoding: try configuration.encoded(), as: UTF8.self)
        try SafetensorsFile.write(tensors, metadata: [Self.configurationMetadataKey: json], to: url)
    }

    /// A model saved by `save(to:configuration:)` (a `model.safetensors` file, or a run folder
    /// holding one): rebuilt from the stored configuration, then every weight loaded strictly.
    public static func load(contentsOf url: URL) throws -> (model: RelationAwareCLIP, configuration: TrainingConfiguration) {
        var file = url
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = url.appendingPathComponent("model.safetensors")
        }
        let safetensors = try SafetensorsFile(contentsOf: file)
        guard let json = safetensors.metadata[configurationMetadataKey] else {
            throw RelationError.invalidConfiguration("\(file.path) has no \(configurationMetadataKey) metadata: not a saved sa_clip model")
        }
        let configuration = try TrainingConfiguration.decode(Data(json.utf8), source: file.path)
        guard configuration.task == .saCLIP else {
            throw RelationError.invalidConfiguration("\(file.path) was trained by task \(configuration.task.rawValue), not sa_clip")
        }
        let model = try make(task: configuration.saCLIP, seed: configuration.seed)
        var tensors: [String: Tensor] = [:]
        for name in safetensors.names { tensors[name] = try safetensors.tensor(named: name) }
        try model.loadWeights(tensors, mapping: WeightMapping(), source: file.lastPathComponent)
        return (model, configuration)
    }
}

extension RelationAwareCLIP {
    /// A model to evaluate: a saved `sa_clip` model (a `model.safetensors` written by training, or
    /// its run folder), or any `ModelRegistry` reference as a plain dual encoder (its own
    /// encoders and pooled embeddings, no relation features) for zero-shot baselines.
    public static func evaluationModel(_ reference: String, options: ModelOptions = ModelOptions()) throws -> RelationAwareCLIP {
        let url = URL(fileURLWithPath: reference)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            let file = isDirectory.boolValue ? url.appendingPathComponent("model.safetensors") : url
            if let saved = try? SafetensorsFile(contentsOf: file), saved.metadata[configurationMetadataKey] != nil {
                return try load(contentsOf: file).model
            }
        }
        let loaded = try ModelRegistry.load(reference, options: options)
        guard let preprocessing = loaded.identity.preprocessing else {
            throw RelationError.invalidConfiguration("\(reference) has no image preprocessing")
        }
        var generator = SeededGenerator(seed: 0)
        return try RelationAwareCLIP(imageEncoder: loaded.imageEncoder, textEncoder: loaded.textEncoder, preprocessing: preprocessing,
                                     embeddingWidth: nil, relationWidth: 1, usesRelationFeatures: false, locksImageTower: true,
                                     logScale: loaded.logScale, generator: &generator)
    }
}
