import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Tokenizers

/// Resolves what a user types after `--model` to a ready `ImageTextModel`:
///
/// 1. `clipkit-default` (alias `default`): the ConSE model built from installed packages;
/// 2. an existing path: an OpenAI TorchScript `.pt`, an OpenCLIP state dict (`.bin`, `.pt`,
///    `.pth`, `.safetensors`), a Chinese-CLIP `.pt`, a Hugging Face CLIP folder or an OpenCLIP
///    hub folder;
/// 3. `ORG/NAME[@REV]` of a repository pulled with `clipkit models pull` (the snapshot the
///    revision was pulled at).
///
/// Anything else fails with the list of known models. A model's `identity.name` is the reference
/// that loads it again: the registered name, the repository name, or the file's absolute path.
public enum ModelLoader {
    /// Names that always resolve (given the installed packages).
    public static let registeredNames = [ConSEModel.name]

    /// Registered names followed by the locally pulled hub repositories.
    public static func knownModels(hub: HubClient = HubClient()) -> [String] {
        registeredNames + Set(hub.localModels().map(\.repository)).sorted()
    }

    public static func load(_ reference: String, options: ModelOptions = ModelOptions(), hub: HubClient = HubClient(),
                            progress: ((Int, Int) -> Void)? = nil) throws -> any ImageTextModel {
        if reference == ConSEModel.name || reference == "default" {
            return try ConSEModel.installed(topCount: options.topCount, template: options.labelTemplate, progress: progress)
        }
        let path = (reference as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            let url = URL(fileURLWithPath: path, isDirectory: isDirectory.boolValue).standardizedFileURL
            return isDirectory.boolValue
                ? try loadFolder(url, name: url.path, options: options)
                : try loadCheckpoint(url, options: options)
        }
        if reference.contains("/"), !reference.hasPrefix("."), !reference.hasPrefix("/") {
            let repository = try HubRepository(parsing: reference)
            guard let snapshot = hub.localSnapshot(of: repository) else { throw ModelLoadingError.notDownloaded(reference) }
            return try loadFolder(snapshot.directory, name: repository.description, options: options)
        }
        throw ModelLoadingError.unknownModel(reference, known: knownModels(hub: hub))
    }

    /// A single checkpoint file; the configuration is read off the tensors' shapes.
    /// A Chinese-CLIP `.pt` (recognised by its `bert.` text tower) gets the matching cn_clip
    /// configs; anything else is an OpenAI/OpenCLIP CLIP.
    static func loadCheckpoint(_ url: URL, options: ModelOptions) throws -> any ImageTextModel {
        let tensors = try CheckpointFormat.loadTensors(contentsOf: url)
        if ChineseCLIP.recognizes(tensors.keys) { return try ChineseCLIPModel.load(tensors: tensors, url: url) }
        let isOpenAI = try CheckpointFormat.isTorchScriptArchive(contentsOf: url)
        let activation = options.activation ?? (isOpenAI ? .quickGELU : .gelu)
        let configuration = try CLIPConfiguration.inferred(from: tensors, activation: activation, source: url.lastPathComponent)
        let network = CLIP(configuration)
        try network.loadWeights(tensors, mapping: CLIPWeightMapping.openCLIP, source: url.lastPathComponent)
        let preprocessing = openAIPreprocessing(imageSize: network.configuration.vision.imageSize)
        return CLIPModel(network: network, tokenizer: try clipTokenizer(), name: url.path,
                         checkpointHash: try CheckpointFingerprint.of([url]), preprocessing: preprocessing)
    }

    /// A Hugging Face `CLIPModel` folder or an OpenCLIP hub folder.
    static func loadFolder(_ directory: URL, name: String, options: ModelOptions) throws -> CLIPModel {
        let manager = FileManager.default
        let openCLIPConfiguration = directory.appendingPathComponent("open_clip_config.json")
        if manager.fileExists(atPath: openCLIPConfiguration.path) {
            let weights = ["open_clip_model.safetensors", "open_clip_pytorch_model.bin"]
                .map { directory.appendingPathComponent($0) }.first { manager.fileExists(atPath: $0.path) }
            guard let weights else { throw ModelLoadingError.unrecognizedDirectory(directory.path) }
            let folder = try OpenCLIPHubConfiguration(contentsOf: openCLIPConfiguration)
            var configuration = try folder.model.clipConfiguration(source: openCLIPConfiguration.path)
            if let activation = options.activation { configuration = configuration.with(activation: activation) }
            let network = try CLIP.load(contentsOf: weights, configuration: configuration)
            let preprocessing = try folder.preprocessing(imageSize: configuration.vision.imageSize, source: openCLIPConfiguration.path)
            return CLIPModel(network: network, tokenizer: try clipTokenizer(), name: name,
                             checkpointHash: try CheckpointFingerprint.of([weights]), preprocessing: preprocessing)
        }
        if manager.fileExists(atPath: directory.appendingPathComponent("config.json").path) {
            let network = try CLIP.loadHuggingFace(directory: directory)
            let preprocessing = try HuggingFaceImageProcessor.preprocessing(in: directory)
                ?? openAIPreprocessing(imageSize: network.configuration.vision.imageSize)
            let weightFiles = ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"]
                .map { directory.appendingPathComponent($0) }.filter { manager.fileExists(atPath: $0.path) }
            return CLIPModel(network: network, tokenizer: try clipTokenizer(), name: name,
                             checkpointHash: try CheckpointFingerprint.of(weightFiles), preprocessing: preprocessing)
        }
        throw ModelLoadingError.unrecognizedDirectory(directory.path)
    }

    /// OpenAI's transform at `imageSize`.
    static func openAIPreprocessing(imageSize: Int) -> Preprocessing {
        var preprocessing = Preprocessing.openAICLIP
        preprocessing.imageSize = imageSize
        return preprocessing
    }

    static func clipTokenizer() throws -> CLIPTokenizer {
        try CLIPTokenizer(mergesFile: try InstalledFiles.require(InstalledFiles.clipMerges))
    }
}
