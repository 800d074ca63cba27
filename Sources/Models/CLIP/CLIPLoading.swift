import Checkpoint
import Foundation
import NN
import Tensor

extension CLIP {
    /// A model of `configuration` with the weights of an OpenAI or OpenCLIP checkpoint: OpenAI's
    /// TorchScript `.pt`, an OpenCLIP `state_dict` saved by `torch.save` (zip or legacy) or as
    /// `.safetensors`. Half-precision files are widened to Float32. Throws, naming every tensor,
    /// when anything is missing, left over or of the wrong shape.
    public static func load(contentsOf url: URL, configuration: CLIPConfiguration) throws -> CLIP {
        let model = CLIP(configuration)
        try model.loadWeights(try CheckpointFormat.loadTensors(contentsOf: url), mapping: CLIPWeightMapping.openCLIP,
                              source: url.lastPathComponent)
        return model
    }

    /// As `load(contentsOf:configuration:)` with the configuration read off the tensors' shapes
    /// (`CLIPConfiguration.inferred(from:activation:headWidth:)`). OpenAI's weights use
    /// `.quickGELU`; most OpenCLIP-trained weights `.gelu`.
    public static func load(contentsOf url: URL, activation: Activation = .quickGELU, headWidth: Int = 64) throws -> CLIP {
        let tensors = try CheckpointFormat.loadTensors(contentsOf: url)
        let configuration = try CLIPConfiguration.inferred(from: tensors, activation: activation, headWidth: headWidth,
                                                           source: url.lastPathComponent)
        let model = CLIP(configuration)
        try model.loadWeights(tensors, mapping: CLIPWeightMapping.openCLIP, source: url.lastPathComponent)
        return model
    }

    /// A Hugging Face `CLIPModel` saved by `save_pretrained`: `config.json` and
    /// `model.safetensors` (or a sharded `model.safetensors.index.json`, or `pytorch_model.bin`).
    public static func loadHuggingFace(directory: URL) throws -> CLIP {
        let configurationURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configurationURL.path) else {
            throw ModelError.missingFile(directory: directory.path, expected: ["config.json"])
        }
        let configuration = try HuggingFaceCLIPConfiguration(contentsOf: configurationURL)
            .clipConfiguration(source: configurationURL.path)
        let model = CLIP(configuration)
        try model.loadWeights(try huggingFaceTensors(in: directory), mapping: CLIPWeightMapping.huggingFace,
                              source: directory.lastPathComponent)
        return model
    }

    /// Every tensor of a Hugging Face model directory, whichever weight file it has.
    static func huggingFaceTensors(in directory: URL) throws -> [String: Tensor] {
        let manager = FileManager.default
        let single = directory.appendingPathComponent("model.safetensors")
        if manager.fileExists(atPath: single.path) { return try SafetensorsFile(contentsOf: single).allTensors() }
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        if manager.fileExists(atPath: index.path) {
            struct ShardIndex: Decodable { let weight_map: [String: String] }
            let shards = Set(try JSONDecoder().decode(ShardIndex.self, from: Data(contentsOf: index)).weight_map.values)
            var tensors: [String: Tensor] = [:]
            for shard in shards.sorted() {
                let file = try SafetensorsFile(contentsOf: directory.appendingPathComponent(shard))
                try tensors.merge(file.allTensors()) { _, _ in
                    throw WeightLoadingError.duplicate(source: shard, name: "a tensor stored in two shards")
                }
            }
            return tensors
        }
        let pickled = directory.appendingPathComponent("pytorch_model.bin")
        if manager.fileExists(atPath: pickled.path) { return try TorchCheckpoint.load(contentsOf: pickled) }
        throw ModelError.missingFile(directory: directory.path,
                                           expected: ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"])
    }
}
