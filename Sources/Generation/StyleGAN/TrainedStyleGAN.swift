import Autograd
import Checkpoint
import Foundation
import NN
import Tensor

/// A StyleGAN2 generator saved by the `stylegan` training task (or written by `write`): a folder
/// with `stylegan.json` (the `StyleGANConfiguration`) and `generator.safetensors` whose tensors
/// carry rosinality's checkpoint keys — `g_ema.*` (the moving-average generator), `latent_avg`
/// (the tracked mean w), and optionally `g.*` and `d.*`. A training run's folder may be given too
/// (its `model/` subfolder is used).
///
/// This is the entry point of the text → w mapping stage: `synthesize(_:truncation:noise:)` maps
/// w to images through the frozen generator and stays on the tape, so gradients reach w.
public struct TrainedStyleGAN {
    public static let configurationFile = "stylegan.json"
    public static let weightsFile = "generator.safetensors"

    public let configuration: StyleGANConfiguration
    /// The `g_ema` generator, frozen.
    public let generator: StyleGANGenerator
    /// The mean w `[style]` for truncation.
    public let meanLatent: Tensor

    /// Loads a model folder, or the `model/` folder of a training run.
    public init(directory: URL) throws {
        var folder = directory
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent(Self.configurationFile).path) {
            folder = directory.appendingPathComponent("model", isDirectory: true)
        }
        let configurationURL = folder.appendingPathComponent(Self.configurationFile)
        let weightsURL = folder.appendingPathComponent(Self.weightsFile)
        for url in [configurationURL, weightsURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw GenerationError.missingFile(path: url.path)
        }
        let configuration: StyleGANConfiguration
        do { configuration = try JSONDecoder().decode(StyleGANConfiguration.self, from: Data(contentsOf: configurationURL)) } catch {
            throw GenerationError.invalidConfiguration(source: configurationURL.path, reason: "\(error)")
        }
        try configuration.validate(source: configurationURL.path)
        let file = try SafetensorsFile(contentsOf: weightsURL)
        var tensors: [String: Tensor] = [:]
        for name in file.names where name.hasPrefix("g_ema.") { tensors[String(name.dropFirst("g_ema.".count))] = try file.tensor(named: name) }
        var random = SeededGenerator(seed: 0)
        generator = StyleGANGenerator(configuration: configuration, generator: &random)
        try generator.loadWeights(tensors, source: "\(weightsURL.lastPathComponent) g_ema")
        generator.freeze(paths: [""])
        guard file.names.contains("latent_avg") else {
            throw GenerationError.invalidConfiguration(source: weightsURL.path, reason: "latent_avg is missing")
        }
        meanLatent = try file.tensor(named: "latent_avg")
        self.configuration = configuration
    }

    /// w `[batch, style]` → images `[batch, image_channels, size, size]` in about [−1, 1], with
    /// truncation ψ towards `meanLatent` and the given noise maps (nil: the fixed buffers).
    /// Differentiable in w.
    public func synthesize(_ latent: Variable, truncation psi: Float = 1, noise: [Tensor]? = nil) -> Variable {
        generator.synthesize(StyleGANGenerator.truncated(latent, mean: meanLatent, psi: psi), noise: noise)
    }

    /// `count` images from z ~ N(0, I) drawn from `seed`, with fresh noise, in [0, 1]
    /// (`[count, image_channels, size, size]`), without a tape.
    public func sample(count: Int, seed: UInt64, truncation psi: Float = 1) -> Tensor {
        var random = SeededGenerator(seed: seed)
        return GradientMode.withoutGradients {
            let latents = Tensor.randomNormal([count, configuration.styleDimension], generator: &random)
            let noise = generator.randomNoise(batch: count, generator: &random)
            let images = synthesize(generator.map(Variable(latents)), truncation: psi, noise: noise).value
            return images.map { min(max($0 * 0.5 + 0.5, 0), 1) }
        }
    }

    /// Writes a model folder.
    public static func write(generator: StyleGANGenerator, meanLatent: Tensor, trainingGenerator: StyleGANGenerator? = nil,
                             discriminator: StyleGANDiscriminator? = nil, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var tensors: [String: Tensor] = ["latent_avg": meanLatent]
        for (name, parameter) in generator.namedParameters { tensors["g_ema." + name] = parameter.value }
        for (name, parameter) in trainingGenerator?.namedParameters ?? [] { tensors["g." + name] = parameter.value }
        for (name, parameter) in discriminator?.namedParameters ?? [] { tensors["d." + name] = parameter.value }
        try SafetensorsFile.write(tensors, to: directory.appendingPathComponent(weightsFile))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(generator.configuration).write(to: directory.appendingPathComponent(configurationFile))
    }
}
