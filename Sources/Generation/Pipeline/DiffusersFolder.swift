import Checkpoint
import Foundation
import NN
import Tensor

/// Where a diffusers pipeline folder keeps each component (`model_index.json` beside `unet/`,
/// `vae/`, `text_encoder/`, `tokenizer/`, `scheduler/`, optionally `image_encoder/`) and which of a
/// component's weight files to read: `diffusion_pytorch_model.safetensors` (or `model.safetensors`),
/// then the `.fp16` variants, then the pickled `.bin`. Half precision is widened to Float32 on load.
public enum DiffusersFolder {
    /// The weight file of a component folder, by diffusers' naming and preference.
    public static func weightsFile(in directory: URL) throws -> URL {
        let names = ["diffusion_pytorch_model.safetensors", "model.safetensors", "diffusion_pytorch_model.fp16.safetensors",
                     "model.fp16.safetensors", "diffusion_pytorch_model.bin", "pytorch_model.bin"]
        for name in names {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw GenerationError.missingFile(path: directory.appendingPathComponent("diffusion_pytorch_model.safetensors").path)
    }

    /// A component's `config.json`.
    public static func configurationFile(in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { throw GenerationError.missingFile(path: url.path) }
        return url
    }

    /// Loads `directory`'s weight file strictly into `model` through `mapping`; errors name every
    /// missing, unused or wrong-shape tensor.
    static func loadWeights(into model: any Module, from directory: URL, mapping: WeightMapping = WeightMapping()) throws {
        let file = try weightsFile(in: directory)
        try model.loadWeights(try CheckpointFormat.loadTensors(contentsOf: file), mapping: mapping,
                              source: "\(directory.lastPathComponent)/\(file.lastPathComponent)")
    }
}

extension UNet2DConditionModel {
    /// A diffusers `unet/` folder: `config.json` and its weights, loaded strictly.
    public init(directory: URL) throws {
        self.init(configuration: try UNet2DConditionConfiguration.load(contentsOf: try DiffusersFolder.configurationFile(in: directory)))
        try DiffusersFolder.loadWeights(into: self, from: directory)
    }
}

extension AutoencoderKL {
    /// A diffusers `vae/` folder: `config.json` and its weights, loaded strictly.
    public init(directory: URL) throws {
        self.init(configuration: try AutoencoderKLConfiguration.load(contentsOf: try DiffusersFolder.configurationFile(in: directory)))
        try DiffusersFolder.loadWeights(into: self, from: directory, mapping: Self.weightMapping)
    }
}
