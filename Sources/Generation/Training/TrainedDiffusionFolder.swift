import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Tensor

/// The folder a diffusion training run saves, and how it loads back for generation: the U-Net in
/// diffusers' layout (`unet/config.json`, `unet/diffusion_pytorch_model.safetensors`, loadable by
/// diffusers), `scheduler/scheduler_config.json`, optionally `ip-adapter.safetensors` in the
/// released IP-Adapter layout and `aggregator.safetensors`, and `generation.json` naming the frozen
/// encoders and the image format.
public struct TrainedDiffusionManifest: Codable, Sendable, Equatable {
    public var textEncoder: String
    public var contextLength: Int
    public var imageEncoder: String?
    public var imageSize: Int
    public var channels: Int
    public var ipAdapter: String?
    public var aggregator: String?
    public var aggregatorHeads: Int?
    public var aggregatorReferences: Int?

    public init(textEncoder: String, contextLength: Int, imageEncoder: String? = nil, imageSize: Int, channels: Int,
                ipAdapter: String? = nil, aggregator: String? = nil, aggregatorHeads: Int? = nil, aggregatorReferences: Int? = nil) {
        self.textEncoder = textEncoder
        self.contextLength = contextLength
        self.imageEncoder = imageEncoder
        self.imageSize = imageSize
        self.channels = channels
        self.ipAdapter = ipAdapter
        self.aggregator = aggregator
        self.aggregatorHeads = aggregatorHeads
        self.aggregatorReferences = aggregatorReferences
    }

    enum CodingKeys: String, CodingKey {
        case textEncoder = "text_encoder", contextLength = "context_length", imageEncoder = "image_encoder"
        case imageSize = "image_size", channels, ipAdapter = "ip_adapter", aggregator, aggregatorHeads = "aggregator_heads"
        case aggregatorReferences = "aggregator_references"
    }

    public static let fileName = "generation.json"
}

/// The frozen pretrained encoders a trained folder names, resolved to the installed files.
public enum InstalledConditioningEncoders {
    /// The prompt encoder named `name` (`minilm`: all-MiniLM-L6-v2's token states).
    public static func promptEncoder(_ name: String, contextLength: Int) throws -> TokenStatePromptEncoder {
        guard name == "minilm" else { throw GenerationError.invalidRequest("unknown text encoder \(name) (known: minilm)") }
        let text = try SentenceTransformer(directory: try InstalledFiles.require(InstalledFiles.allMiniLML6V2))
        return TokenStatePromptEncoder(encoder: text, length: contextLength, width: text.encoder.configuration.hiddenSize)
    }

    /// The reference-image encoder named `name` (`efficientnet-lite0`: its pooled features).
    public static func imageEncoder(_ name: String) throws -> ReferenceImageEncoder {
        guard name == "efficientnet-lite0" else {
            throw GenerationError.invalidRequest("unknown image encoder \(name) (known: efficientnet-lite0)")
        }
        var headless = EfficientNetConfiguration.lite0
        headless.classCount = nil
        let network = try EfficientNet(contentsOf: try InstalledFiles.require(InstalledFiles.efficientNetLite0), configuration: headless)
        return ReferenceImageEncoder(encoder: network, preprocessing: network.configuration.preprocessing)
    }
}

extension DiffusionModel {
    /// A folder a CLIPKit diffusion training run saved (see `TrainedDiffusionManifest`).
    public static func loadTrained(directory: URL) throws -> DiffusionModel {
        let manifest = try decodeConfiguration(TrainedDiffusionManifest.self,
                                               contentsOf: directory.appendingPathComponent(TrainedDiffusionManifest.fileName))
        let unet = try UNet2DConditionModel(directory: directory.appendingPathComponent("unet"))
        let scheduler = try SchedulerConfiguration.load(contentsOf: directory.appendingPathComponent("scheduler/scheduler_config.json"))
        var model = DiffusionModel(unet: unet, autoencoder: nil,
                                   promptEncoder: try InstalledConditioningEncoders.promptEncoder(manifest.textEncoder,
                                                                                                 contextLength: manifest.contextLength),
                                   schedulerConfiguration: scheduler)
        if let adapterFile = manifest.ipAdapter {
            model.adapter = try IPAdapter.load(contentsOf: directory.appendingPathComponent(adapterFile), for: unet)
            model.imageEncoder = try InstalledConditioningEncoders.imageEncoder(manifest.imageEncoder ?? "efficientnet-lite0")
        }
        if let aggregatorFile = manifest.aggregator, let heads = manifest.aggregatorHeads, let adapter = model.adapter {
            var generator = SeededGenerator(seed: 0)
            let aggregator = AttentionAggregator(width: adapter.imageProjection.imageEmbeddingWidth, heads: heads, generator: &generator)
            let url = directory.appendingPathComponent(aggregatorFile)
            try aggregator.loadWeights(try CheckpointFormat.loadTensors(contentsOf: url), source: url.lastPathComponent)
            model.aggregator = aggregator
            model.aggregatorReferenceCount = manifest.aggregatorReferences
        }
        return model
    }

    /// Whether `directory` holds a trained CLIPKit folder (rather than a diffusers pipeline).
    public static func isTrainedFolder(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(TrainedDiffusionManifest.fileName).path)
    }
}

extension UNet2DConditionModel {
    /// Writes `config.json` and `diffusion_pytorch_model.safetensors` (float32) into `directory`
    /// (`weights` replaces the current values, e.g. an exponential moving average).
    public func save(to directory: URL, weights: [String: Tensor]? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self.configuration)) as! [String: Any]
        configuration["_class_name"] = "UNet2DConditionModel"
        let data = try JSONSerialization.data(withJSONObject: configuration, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: directory.appendingPathComponent("config.json"))
        let tensors = weights ?? Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value) })
        try SafetensorsFile.write(tensors, metadata: ["format": "pt"], to: directory.appendingPathComponent("diffusion_pytorch_model.safetensors"))
    }
}
