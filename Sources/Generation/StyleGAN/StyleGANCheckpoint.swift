import Checkpoint
import Foundation
import NN
import Tensor

/// Reads rosinality/stylegan2-pytorch checkpoints — a `torch.save` dictionary with `g_ema` (the
/// moving-average generator every sampling script uses), and optionally `g`, `d` and `latent_avg`
/// (the mean w that `convert_weight.py` stores) — through the whitelist unpickler, never running
/// pickled code. The configuration is read off the `g_ema` tensors
/// (`StyleGANConfiguration.inferred`), and every state dict loads strictly: a missing, unused or
/// wrong-shaped tensor throws naming it. (train.py's checkpoints also pickle its `argparse`
/// namespace under `args`, which the whitelist refuses; re-save such a file without `args`.)
public struct StyleGANCheckpoint {
    public let configuration: StyleGANConfiguration
    /// The `g_ema` generator.
    public let generator: StyleGANGenerator
    /// `latent_avg` `[style]`, when the file has it.
    public let meanLatent: Tensor?
    /// `g` and `d`, when asked for and present.
    public let trainingGenerator: StyleGANGenerator?
    public let discriminator: StyleGANDiscriminator?

    /// Loads `g_ema` (and with `includingTraining`, `g` and `d` when present) from `url`.
    public init(contentsOf url: URL, includingTraining: Bool = false) throws {
        let checkpoint: TorchCheckpoint
        do { checkpoint = try TorchCheckpoint(contentsOf: url) } catch {
            throw GenerationError.invalidConfiguration(source: url.path, reason: "not a readable StyleGAN2 checkpoint: \(error)")
        }
        let name = url.lastPathComponent
        let averaged = try checkpoint.tensors(under: "g_ema")
        guard !averaged.isEmpty else {
            throw GenerationError.invalidConfiguration(source: url.path, reason: "the checkpoint has no g_ema state dict")
        }
        let configuration = try StyleGANConfiguration.inferred(fromGenerator: averaged, source: "\(name) g_ema")
        self.configuration = configuration
        var seed = SeededGenerator(seed: 0)
        generator = StyleGANGenerator(configuration: configuration, generator: &seed)
        try generator.loadWeights(averaged, source: "\(name) g_ema")
        meanLatent = checkpoint.names.contains("latent_avg") ? try checkpoint.tensor(named: "latent_avg").reshaped([-1]) : nil
        if let meanLatent, meanLatent.count != configuration.styleDimension {
            throw GenerationError.invalidConfiguration(
                source: url.path, reason: "latent_avg has \(meanLatent.count) values but style_dim is \(configuration.styleDimension)")
        }
        var trainingGenerator: StyleGANGenerator?, discriminator: StyleGANDiscriminator?
        if includingTraining {
            let raw = try checkpoint.tensors(under: "g")
            if !raw.isEmpty {
                let model = StyleGANGenerator(configuration: configuration, generator: &seed)
                try model.loadWeights(raw, source: "\(name) g")
                trainingGenerator = model
            }
            let critic = try checkpoint.tensors(under: "d")
            if !critic.isEmpty {
                let model = StyleGANDiscriminator(configuration: configuration, generator: &seed)
                try model.loadWeights(critic, source: "\(name) d")
                discriminator = model
            }
        }
        self.trainingGenerator = trainingGenerator
        self.discriminator = discriminator
    }
}
