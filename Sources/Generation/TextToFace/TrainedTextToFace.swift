import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor

/// A trained text-to-face model as the `text2face` task writes it (`<run>/model/`):
/// `text2face.json` (the manifest: text model, widths, ψ, where the parts came from),
/// `mapping.safetensors` (conditioning augmentation + mapping network, `TextToFaceMapping`) and
/// `generator/` (the frozen StyleGAN2 `g_ema` it was trained against, a `TrainedStyleGAN`
/// folder), so a run is self-contained. Text → s (the registry model's text tower, rows
/// L2-normalised) → z = μ + σ ⊙ ε → w → image.
public final class TrainedTextToFace {
    public struct Manifest: Codable, Sendable, Equatable {
        public static let fileName = "text2face.json"
        public static let weightsFileName = "mapping.safetensors"
        public static let generatorFolder = "generator"
        /// The registry model whose text tower gives s.
        public var textModel: String
        public var textWidth: Int
        /// `text_reconstruction` or `clip_similarity`.
        public var supervision: String
        /// The default ψ.
        public var truncation: Float
        /// The generator and captioner runs it was trained with (provenance only).
        public var generatorSource: String
        public var captionerSource: String?

        public init(textModel: String, textWidth: Int, supervision: String, truncation: Float, generatorSource: String,
                    captionerSource: String?) {
            self.textModel = textModel
            self.textWidth = textWidth
            self.supervision = supervision
            self.truncation = truncation
            self.generatorSource = generatorSource
            self.captionerSource = captionerSource
        }

        enum CodingKeys: String, CodingKey {
            case textModel = "text_model", textWidth = "text_width", supervision, truncation
            case generatorSource = "generator_source", captionerSource = "captioner_source"
        }
    }

    public let manifest: Manifest
    public let mapping: TextToFaceMapping
    public let generator: TrainedStyleGAN
    public let textEncoder: any TextEncoder

    public init(manifest: Manifest, mapping: TextToFaceMapping, generator: TrainedStyleGAN, textEncoder: any TextEncoder) {
        mapping.freeze(paths: [""])
        self.manifest = manifest
        self.mapping = mapping
        self.generator = generator
        self.textEncoder = textEncoder
    }

    /// Whether `path` (or its `model/` subfolder) holds a text-to-face model.
    public static func modelFolder(_ path: URL) -> URL? {
        [path, path.appendingPathComponent("model", isDirectory: true)].first { folder in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(Manifest.fileName).path)
        }
    }

    /// Loads a model folder (or a run folder holding it as `model/`); the text encoder is the
    /// manifest's registry model's unless `textEncoder` is given.
    public static func load(from folder: URL, textEncoder: (any TextEncoder)? = nil) throws -> TrainedTextToFace {
        guard let directory = modelFolder(folder) else {
            throw GenerationError.missingFile(path: folder.appendingPathComponent(Manifest.fileName).path)
        }
        let manifestURL = directory.appendingPathComponent(Manifest.fileName)
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL)) } catch let error as DecodingError {
            throw GenerationError.invalidConfiguration(source: manifestURL.path, reason: "\(error)")
        }
        let generator = try TrainedStyleGAN(directory: directory.appendingPathComponent(Manifest.generatorFolder, isDirectory: true))
        var random = SeededGenerator(seed: 0)
        let mapping = TextToFaceMapping(textWidth: manifest.textWidth, generator: generator.configuration, generator: &random)
        let weights = directory.appendingPathComponent(Manifest.weightsFileName)
        guard FileManager.default.fileExists(atPath: weights.path) else { throw GenerationError.missingFile(path: weights.path) }
        try mapping.loadWeights(try CheckpointFormat.loadTensors(contentsOf: weights), source: weights.lastPathComponent)
        let encoder = try textEncoder ?? ModelRegistry.load(manifest.textModel).textEncoder
        guard encoder.embeddingWidth == manifest.textWidth else {
            throw GenerationError.invalidConfiguration(source: manifestURL.path, reason: "text_width \(manifest.textWidth) but "
                                                       + "\(manifest.textModel)'s text tower gives \(encoder.embeddingWidth)")
        }
        return TrainedTextToFace(manifest: manifest, mapping: mapping, generator: generator, textEncoder: encoder)
    }

    /// Writes `text2face.json`, `mapping.safetensors` and `generator/`.
    public static func save(mapping: TextToFaceMapping, generator: TrainedStyleGAN, manifest: Manifest, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(Manifest.fileName))
        try SafetensorsFile.write(Dictionary(uniqueKeysWithValues: mapping.namedParameters.map { ($0.name, $0.parameter.value) }),
                                  to: directory.appendingPathComponent(Manifest.weightsFileName))
        try TrainedStyleGAN.write(generator: generator.generator, meanLatent: generator.meanLatent,
                                  to: directory.appendingPathComponent(Manifest.generatorFolder, isDirectory: true))
    }

    /// s of `texts`: the text tower's pooled embeddings, rows L2-normalised, `[texts.count, textWidth]`.
    public static func textFeatures(_ texts: [String], encoder: any TextEncoder) throws -> Tensor {
        try encoder.embed(texts, batchSize: 64).l2NormalizedRows()
    }

    /// One image per text `[texts.count, image_channels, size, size]` in [0, 1], without a tape:
    /// ε `[count, style]` and then the generator's noise maps are drawn from `seed`, so a seed
    /// repeats an image bit for bit. ψ defaults to the manifest's. `conditioningMean` renders
    /// z = μ(s), the mean of conditioning augmentation's Gaussian, instead of z = μ(s) + σ(s) ⊙ ε
    /// (ε is still drawn, so the noise maps are the same as without it); default off, as trained.
    public func images(for texts: [String], seed: UInt64, truncation: Float? = nil, conditioningMean: Bool = false) throws -> Tensor {
        let features = try Self.textFeatures(texts, encoder: textEncoder)  // [count, textWidth]
        var random = SeededGenerator(seed: seed)
        return GradientMode.withoutGradients {
            let z = latents(of: features, random: &random, conditioningMean: conditioningMean)  // [count, style]
            let noise = generator.generator.randomNoise(batch: texts.count, generator: &random)
            let latent = mapping.mapping(Variable(z))  // w: [count, style]
            let images = generator.synthesize(latent, truncation: truncation ?? manifest.truncation, noise: noise).value
            return images.map { min(max($0 * 0.5 + 0.5, 0), 1) }
        }
    }

    /// z `[count, style]` of text features `[count, textWidth]` as `images(for:seed:)` draws it:
    /// ε `[count, style]` from `random`, then z = μ(s) + σ(s) ⊙ ε, or z = μ(s) with `conditioningMean`.
    public func latents(of features: Tensor, random: inout SeededGenerator, conditioningMean: Bool = false) -> Tensor {
        let epsilon = Tensor.randomNormal([features.shape[0], mapping.styleWidth], generator: &random)  // [count, style]
        return GradientMode.withoutGradients {
            let text = Variable(features)
            return conditioningMean ? mapping.conditioning.distribution(text).mean.value : mapping.conditioning(text, noise: epsilon).latent.value
        }
    }
}
