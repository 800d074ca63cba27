import Checkpoint
import Foundation
import Imaging
import NN
import Tensor
import Tokenizers

/// The one place a model name, hub repository or path becomes an `ImageTextModel` (encoders,
/// preprocessing and identity), for the facade, training and every command:
///
/// 1. `clipkit-default` (alias `default`): `DefaultModel`, and `clipkit-default-multilingual`:
///    `MultilingualDefaultModel`, built from installed packages;
/// 2. an existing path: an OpenAI TorchScript `.pt`, an OpenCLIP state dict (`.bin`, `.pt`,
///    `.pth`, `.safetensors`), a Chinese-CLIP `.pt`, a Hugging Face CLIP folder or an OpenCLIP
///    hub folder;
/// 3. open_clip's `ARCHITECTURE/TAG` (or `ARCHITECTURE::TAG`), read from the hub repository the
///    tag lives in, with the activation it was trained with;
/// 4. `ORG/NAME[@REV]` or `hf-hub:ORG/NAME[@REV]` of a repository pulled with `clipkit models pull`.
///
/// Anything else fails with the list of known models. A model's `identity.name` is the reference
/// that loads it again (the registered name, what the user wrote for a hub model, or the file's
/// absolute path) and `identity.options` the options it needs.
public enum ModelRegistry {
    /// Names that always resolve (given the installed packages).
    public static let builtInNames = [DefaultModel.name, MultilingualDefaultModel.name]

    /// Built-in names followed by the locally pulled hub repositories.
    public static func knownModels(hub: HubCache = HubCache()) -> [String] {
        builtInNames + Set(hub.localModels().map(\.repository)).sorted()
    }

    /// What `reference` names; an unknown name fails with the list of known models.
    public static func resolve(_ reference: String, hub: HubCache = HubCache()) throws -> ModelReference {
        do {
            return try ModelReference(parsing: reference)
        } catch ModelError.unknownModel {
            throw ModelError.unknownModel(reference, known: knownModels(hub: hub))
        }
    }

    /// The model `reference` names, loaded with `options`. `progress(done, total)` reports the
    /// default model's first-run label embeddings. With `options.precision` other than fp32 the
    /// towers' products are converted once here (`Module.setInferencePrecision`; fp32 on CPUs
    /// without the kernels).
    public static func load(_ reference: String, options: ModelOptions = ModelOptions(), hub: HubCache = HubCache(),
                            progress: ((Int, Int) -> Void)? = nil) throws -> ImageTextModel {
        let model = try loadFullPrecision(reference, options: options, hub: hub, progress: progress)
        if options.precision != .fp32 { model.weights.setInferencePrecision(options.precision) }
        return model
    }

    static func loadFullPrecision(_ reference: String, options: ModelOptions, hub: HubCache,
                                  progress: ((Int, Int) -> Void)?) throws -> ImageTextModel {
        let parsed = try resolve(reference, hub: hub)
        switch parsed {
        case .defaultModel:
            return try DefaultModel.installed(topCount: options.topCount, template: options.labelTemplate, progress: progress)
        case .multilingualDefaultModel:
            return try MultilingualDefaultModel.installed(topCount: options.topCount, template: options.labelTemplate, progress: progress)
        case let .file(url):
            return try loadCheckpoint(url, options: options)
        case let .folder(url):
            return try loadFolder(url, name: url.path, options: options, hub: hub)
        case let .openCLIP(pretrained, _):
            guard let snapshot = hub.localSnapshot(of: parsed.repository!) else {
                throw ModelError.notDownloaded(pretrained.repository)
            }
            var adjusted = options
            adjusted.activation = options.activation ?? (pretrained.quickGELU ? .quickGELU : .gelu)
            return try loadFolder(snapshot.directory, name: reference, options: adjusted, hub: hub)
        case let .hub(repository):
            guard let snapshot = hub.localSnapshot(of: repository) else { throw ModelError.notDownloaded(repository.description) }
            return try loadFolder(snapshot.directory, name: reference, options: options, hub: hub)
        }
    }

    /// A single checkpoint file; the configuration is read off the tensors' shapes.
    /// A Chinese-CLIP `.pt` (recognised by its `bert.` text tower) gets the matching cn_clip
    /// configs; anything else is an OpenAI/OpenCLIP CLIP.
    static func loadCheckpoint(_ url: URL, options: ModelOptions) throws -> ImageTextModel {
        let tensors = try CheckpointFormat.loadTensors(contentsOf: url)
        let fingerprint = try CheckpointFingerprint.of([url])
        if ChineseCLIP.recognizes(tensors.keys) {
            return try chineseCLIP(tensors: tensors, name: url.path, fingerprint: fingerprint, source: url)
        }
        let automatic: Activation = try CheckpointFormat.isTorchScriptArchive(contentsOf: url) ? .quickGELU : .gelu
        let configuration = try CLIPConfiguration.inferred(from: tensors, activation: options.activation ?? automatic,
                                                           headWidth: options.headWidth ?? 64, source: url.lastPathComponent)
        let network = CLIP(configuration)
        try network.loadWeights(tensors, mapping: CLIPWeightMapping.openCLIP, source: url.lastPathComponent)
        return try clip(network, preprocessing: .openAICLIP(imageSize: configuration.vision.imageSize), name: url.path,
                        fingerprint: fingerprint, options: options, automaticActivation: automatic)
    }

    /// A Hugging Face `CLIPModel` folder, an OpenCLIP hub folder or a Multilingual-CLIP text model.
    static func loadFolder(_ directory: URL, name: String, options: ModelOptions, hub: HubCache = HubCache()) throws -> ImageTextModel {
        if MultilingualCLIPConfiguration.recognizes(directory) {
            return try multilingualCLIP(directory, name: name, options: options, hub: hub)
        }
        let manager = FileManager.default
        let openCLIPConfiguration = directory.appendingPathComponent("open_clip_config.json")
        if manager.fileExists(atPath: openCLIPConfiguration.path) {
            let weights = ["open_clip_model.safetensors", "open_clip_pytorch_model.bin"]
                .map { directory.appendingPathComponent($0) }.first { manager.fileExists(atPath: $0.path) }
            guard let weights else { throw ModelError.unrecognizedDirectory(directory.path) }
            let folder = try OpenCLIPHubConfiguration(contentsOf: openCLIPConfiguration)
            var configuration = try folder.model.clipConfiguration(source: openCLIPConfiguration.path)
            let automatic = configuration.text.activation
            if let activation = options.activation { configuration = configuration.with(activation: activation) }
            let network = try CLIP.load(contentsOf: weights, configuration: configuration)
            let preprocessing = try folder.preprocessing(imageSize: configuration.vision.imageSize, source: openCLIPConfiguration.path)
            return try clip(network, preprocessing: preprocessing, name: name, fingerprint: try CheckpointFingerprint.of([weights]),
                            options: options, automaticActivation: automatic)
        }
        if manager.fileExists(atPath: directory.appendingPathComponent("config.json").path) {
            let network = try CLIP.loadHuggingFace(directory: directory)
            let preprocessing = try HuggingFaceImageProcessor.preprocessing(in: directory)
                ?? .openAICLIP(imageSize: network.configuration.vision.imageSize)
            let weightFiles = ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"]
                .map { directory.appendingPathComponent($0) }.filter { manager.fileExists(atPath: $0.path) }
            return try clip(network, preprocessing: preprocessing, name: name, fingerprint: try CheckpointFingerprint.of(weightFiles))
        }
        throw ModelError.unrecognizedDirectory(directory.path)
    }

    /// A Multilingual-CLIP text model (`MultilingualCLIPTextEncoder`) paired with the image tower
    /// of the CLIP it was trained against: `options.imageTower`, or the one its name says
    /// (`…-Vit-B-32` → `ViT-B-32/openai`), loaded like any model. The pair's logit scale and
    /// preprocessing are the CLIP's; `options.headWidth` is the text encoder's head width.
    static func multilingualCLIP(_ directory: URL, name: String, options: ModelOptions, hub: HubCache) throws -> ImageTextModel {
        guard let imageReference = options.imageTower ?? MultilingualCLIPConfiguration.pairedImageModel(forName: name)
            ?? MultilingualCLIPConfiguration.pairedImageModel(forName: directory.lastPathComponent) else {
            throw ModelError.invalidOption("\(name) is a Multilingual-CLIP text model: name the CLIP whose image tower it pairs with "
                                           + "(--image-tower ViT-B-32/openai or a checkpoint path)")
        }
        let textEncoder = try MultilingualCLIPTextEncoder.load(directory: directory, headWidth: options.headWidth ?? 64)
        let image = try load(imageReference, options: ModelOptions(activation: options.activation), hub: hub)
        guard image.imageEncoder.embeddingWidth == textEncoder.embeddingWidth else {
            throw ModelError.invalidOption("\(name) projects text to \(textEncoder.embeddingWidth) dimensions, but the image tower of "
                                           + "\(imageReference) embeds \(image.imageEncoder.embeddingWidth)")
        }
        let textFiles = ["config.json", "sentencepiece.bpe.model", "model.safetensors", "pytorch_model.bin"]
            .map { directory.appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
        var hasher = SHA256()
        hasher.update(Array(try CheckpointFingerprint.of(textFiles).utf8))
        hasher.update(Array(image.identity.checkpointHash.utf8))
        let identity = ModelIdentity(name: name, checkpointHash: hasher.hexDigest(), dimension: textEncoder.embeddingWidth,
                                     preprocessing: image.identity.preprocessing,
                                     options: ModelOptions(activation: options.activation, headWidth: options.headWidth, imageTower: options.imageTower))
        return ImageTextModel(imageEncoder: image.imageEncoder, textEncoder: textEncoder, logScale: image.logScale,
                              weights: MultilingualCLIPWeights(text: textEncoder, image: image.imageEncoder), identity: identity)
    }

    /// A CLIP dual encoder as an `ImageTextModel` with `tokenizer` (default: the installed BPE
    /// vocabulary). The identity records the loading options that changed the network: an
    /// activation other than the checkpoint's `automaticActivation`, a head width other than 64.
    public static func clip(_ network: CLIP, preprocessing: Preprocessing, name: String, fingerprint: String,
                            options: ModelOptions = ModelOptions(), automaticActivation: Activation? = nil,
                            tokenizer: CLIPTokenizer? = nil) throws -> ImageTextModel {
        precondition(preprocessing.imageSize == network.configuration.vision.imageSize,
                     "preprocessing makes \(preprocessing.imageSize)-pixel images, the network takes \(network.configuration.vision.imageSize)")
        let recorded = ModelOptions(activation: options.activation == automaticActivation ? nil : options.activation,
                                    headWidth: options.headWidth == 64 ? nil : options.headWidth)
        let identity = ModelIdentity(name: name, checkpointHash: fingerprint, dimension: network.configuration.embeddingDimension,
                                     preprocessing: preprocessing, options: recorded)
        return ImageTextModel(imageEncoder: network.imageTower, textEncoder: CLIPTextEncoder(network.textTower, tokenizer: try tokenizer ?? clipTokenizer()),
                              logScale: network.logitScale, weights: network, identity: identity)
    }

    /// A Chinese-CLIP checkpoint's tensors as an `ImageTextModel`: the architecture is the pair of
    /// installed cn_clip config files whose shapes match; cn_clip's eval transform (bicubic squash
    /// to the tower's resolution, OpenAI mean/std); the Chinese WordPiece tokenizer (context 52).
    public static func chineseCLIP(tensors: [String: Tensor], name: String, fingerprint: String, source: URL,
                                   configurationDirectory: URL = InstalledFiles.chineseCLIPModelConfigurations) throws -> ImageTextModel {
        let match = try ChineseCLIPConfigurationMatch.find(shapes: tensors.mapValues(\.shape), in: configurationDirectory, source: source.path)
        let network = try ChineseCLIP.load(tensors: tensors, vision: match.vision, text: match.text, source: source.lastPathComponent)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: try InstalledFiles.require(InstalledFiles.chineseCLIPVocabulary),
                                               configuration: .chineseCLIP)
        let size = network.visual.configuration.imageSize
        let identity = ModelIdentity(name: name, checkpointHash: fingerprint, dimension: network.text.configuration.embedDimension,
                                     preprocessing: Preprocessing(imageSize: size, mean: Preprocessing.openAIMean, std: Preprocessing.openAIStd,
                                                                  interpolation: .bicubic, resizeMode: .squash))
        return ImageTextModel(imageEncoder: network.visual, textEncoder: ChineseCLIPTextEncoder(network.text, tokenizer: tokenizer),
                              logScale: network.logitScale, weights: network, identity: identity)
    }

    /// CLIP's byte-pair tokenizer from the installed `clip-anytorch` vocabulary.
    public static func clipTokenizer() throws -> CLIPTokenizer {
        try CLIPTokenizer(mergesFile: try InstalledFiles.require(InstalledFiles.clipMerges))
    }
}
