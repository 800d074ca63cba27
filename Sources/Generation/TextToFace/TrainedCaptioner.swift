import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor

/// A trained text reconstruction module (the seed paper's §4) as the later text-to-face stages use
/// it, frozen: the image encoder, the attention decoder and the vocabulary, read from the folder
/// the `captioner` task writes (`<run>/model/`: `captioner.json`, `captioner.safetensors`,
/// `vocabulary.json`). Its L_TRL accepts image pixels and is differentiable with respect to them,
/// so the mapping network can be trained through it (Eq. 10).
public final class TrainedCaptioner {
    /// `captioner.json`: the decoder's sizes and the image encoder it was trained on.
    public struct Manifest: Codable, Sendable, Equatable {
        public static let fileName = "captioner.json"
        public static let weightsFileName = "captioner.safetensors"
        /// `efficientnet-lite0` (the default model's image tower).
        public var imageEncoder: String
        public var imageSize: Int
        public var decoder: AttentionCaptionerConfiguration

        public init(imageEncoder: String = "efficientnet-lite0", imageSize: Int, decoder: AttentionCaptionerConfiguration) {
            self.imageEncoder = imageEncoder
            self.imageSize = imageSize
            self.decoder = decoder
        }

        enum CodingKeys: String, CodingKey { case imageEncoder = "image_encoder", imageSize = "image_size", decoder }
    }

    public let manifest: Manifest
    public let encoder: CaptionerImageEncoder
    public let decoder: AttentionCaptioner
    public let vocabulary: CaptionerVocabulary
    /// The folder it was read from (the attribute classifier, when trained, lies beside it).
    public let directory: URL

    public init(manifest: Manifest, encoder: CaptionerImageEncoder, decoder: AttentionCaptioner, vocabulary: CaptionerVocabulary,
                directory: URL) {
        decoder.freeze(paths: [""])
        self.directory = directory
        self.manifest = manifest
        self.encoder = encoder
        self.decoder = decoder
        self.vocabulary = vocabulary
    }

    /// Loads a captioner folder (or a run folder holding it as `model/`); the image encoder is the
    /// installed EfficientNet-Lite0 unless `encoder` is given. Missing files and weights that do not
    /// fit the manifest fail naming them.
    public static func load(from folder: URL, encoder: CaptionerImageEncoder? = nil) throws -> TrainedCaptioner {
        var directory = folder
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent(Manifest.fileName).path),
           FileManager.default.fileExists(atPath: directory.appendingPathComponent("model/\(Manifest.fileName)").path) {
            directory = directory.appendingPathComponent("model", isDirectory: true)
        }
        func read(_ name: String) throws -> Data {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { throw GenerationError.missingFile(path: url.path) }
            return try Data(contentsOf: url)
        }
        let manifest: Manifest, vocabulary: CaptionerVocabulary
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: try read(Manifest.fileName))
            vocabulary = try JSONDecoder().decode(CaptionerVocabulary.self, from: try read(CaptionerVocabulary.fileName))
        } catch let error as DecodingError {
            throw GenerationError.invalidConfiguration(source: directory.path, reason: "\(error)")
        }
        guard manifest.imageEncoder == "efficientnet-lite0" else {
            throw GenerationError.invalidConfiguration(source: Manifest.fileName, reason: "unknown image encoder \(manifest.imageEncoder)")
        }
        guard manifest.decoder.vocabularySize == vocabulary.count else {
            throw GenerationError.invalidConfiguration(source: Manifest.fileName,
                                                       reason: "vocabulary_size \(manifest.decoder.vocabularySize) but \(vocabulary.count) words")
        }
        var generator = SeededGenerator(seed: 0)
        let decoder = AttentionCaptioner(configuration: manifest.decoder, generator: &generator)
        let weights = directory.appendingPathComponent(Manifest.weightsFileName)
        guard FileManager.default.fileExists(atPath: weights.path) else { throw GenerationError.missingFile(path: weights.path) }
        try decoder.loadWeights(try CheckpointFormat.loadTensors(contentsOf: weights), source: weights.lastPathComponent)
        let imageEncoder = try encoder ?? CaptionerImageEncoder.installed(imageSize: manifest.imageSize)
        guard imageEncoder.featureWidth == manifest.decoder.featureWidth else {
            throw GenerationError.invalidConfiguration(source: Manifest.fileName, reason: "feature_width \(manifest.decoder.featureWidth) "
                                                       + "but the image encoder gives \(imageEncoder.featureWidth)")
        }
        return TrainedCaptioner(manifest: manifest, encoder: imageEncoder, decoder: decoder, vocabulary: vocabulary, directory: directory)
    }

    /// Writes `captioner.json`, `captioner.safetensors` (the given weights or the decoder's) and `vocabulary.json`.
    public static func save(decoder: AttentionCaptioner, weights: [String: Tensor]? = nil, vocabulary: CaptionerVocabulary,
                            manifest: Manifest, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(Manifest.fileName))
        try encoder.encode(vocabulary).write(to: directory.appendingPathComponent(CaptionerVocabulary.fileName))
        let values = Dictionary(uniqueKeysWithValues: decoder.namedParameters.map { ($0.name, weights?[$0.name] ?? $0.parameter.value) })
        try SafetensorsFile.write(values, to: directory.appendingPathComponent(Manifest.weightsFileName))
    }

    /// The captions as token ids `<start> … <end>` in this captioner's vocabulary.
    public func tokens(of captions: [String]) -> [[Int]] { captions.map { vocabulary.encode($0) } }

    /// L_TRL (Eq. 9) of images `[batch, 1 or 3, H, W]` in [−1, 1] and their captions' token ids
    /// (`tokens(of:)`), differentiable with respect to `pixels` through the frozen encoder and decoder.
    public func textReconstructionLoss(pixels: Variable, captions: [[Int]]) -> TextReconstructionLoss {
        decoder.loss(features: encoder.regions(pixels), captions: captions)
    }

    /// Captions of images `[batch, 1 or 3, H, W]` in [−1, 1]: greedy for `beamWidth` 1, else beam search.
    public func captions(of pixels: Tensor, beamWidth: Int = 1, maximumLength: Int = 30) -> [String] {
        let features = encoder.regions(of: pixels)  // [batch, L, D]
        let ids = beamWidth == 1 ? decoder.greedyCaptions(features: features, maximumLength: maximumLength)
            : decoder.beamCaptions(features: features, beamWidth: beamWidth, maximumLength: maximumLength)
        return ids.map { vocabulary.decode($0).joined(separator: " ") }
    }
}
