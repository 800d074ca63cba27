import ArgumentParser
import Autograd
import Foundation
import Generation
import NN
import Tensor

/// Image generation's two heavy calls at Stable Diffusion 1.5's size, with random weights (no
/// Stable Diffusion weights exist on this machine; the cost does not depend on their values),
/// beside diffusers on PyTorch (`scripts/bench_reference.py generate`): one denoising step of the
/// 860 M-parameter U-Net on a classifier-free-guidance pair (latents [2, 4, 64, 64], one
/// timestep, text context [2, 77, 768]) and one VAE decode of a [1, 4, 64, 64] latent to
/// 512 × 512, each with the peak resident memory of its phase (weights included).
struct GenerateBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "A Stable-Diffusion-1.5-sized U-Net step (batch 2, 64² latents) and a 512² VAE decode, with peak RSS, beside diffusers.",
        discussion: """
            Both networks are built with diffusers' Stable Diffusion 1.5 configuration and PyTorch's \
            default initialisation from a seed; about 3.4 GB of U-Net weights are held in memory on \
            each side. Each timing is the best of at least three calls after one warm-up call.
            """)

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Latent height and width (64: 512-pixel images).")
    var latentSize = 64

    @Option(help: "Latents per U-Net call (2: a conditional and an unconditional one for guidance).")
    var unetBatch = 2

    @Option(help: "Latents per VAE decode.")
    var vaeBatch = 1

    @Flag(help: "Skip the U-Net measurement.")
    var skipUNet = false

    @Flag(help: "Skip the VAE measurement.")
    var skipVAE = false

    func validate() throws {
        guard latentSize > 0, latentSize % 8 == 0 else { throw ValidationError("--latent-size must be a positive multiple of 8") }
        guard unetBatch > 0, vaeBatch > 0 else { throw ValidationError("--unet-batch and --vae-batch must be positive") }
    }

    func run() throws {
        options.applyThreads()
        var generator = SeededGenerator(seed: 0)
        var rows: [ComparisonRow] = []
        var unetSeconds: Double?, unetPeak: Double?, vaeSeconds: Double?, vaePeak: Double?
        if !skipUNet {
            PeakMemory.reset()
            let unet = UNet2DConditionModel(configuration: .stableDiffusion15)
            DiffusionInitialization.initialize(unet, generator: &generator)
            let latents = Tensor.randomNormal([unetBatch, 4, latentSize, latentSize], generator: &generator)
            let context = Tensor.randomNormal([unetBatch, 77, 768], generator: &generator)
            let timesteps = [Float](repeating: 500, count: unetBatch)
            unetSeconds = Stopwatch.bestSeconds(minimumSeconds: options.minimumSeconds) {
                GradientMode.withoutGradients {
                    blackHole(unet(Variable(latents), timesteps: timesteps, context: Variable(context)).value)
                }
            }
            unetPeak = PeakMemory.megabytes()
        }
        if !skipVAE {
            PeakMemory.reset()
            let autoencoder = AutoencoderKL(configuration: .stableDiffusion)
            DiffusionInitialization.initialize(autoencoder, generator: &generator)
            let latents = Tensor.randomNormal([vaeBatch, 4, latentSize, latentSize], generator: &generator)
            vaeSeconds = Stopwatch.bestSeconds(minimumSeconds: options.minimumSeconds) {
                GradientMode.withoutGradients { blackHole(autoencoder.decode(Variable(latents)).value) }
            }
            vaePeak = PeakMemory.megabytes()
        }

        var reference: [String: Double] = [:]
        if !options.noReference {
            do {
                var arguments = ["generate", "--threads", String(options.threads), "--latent-size", String(latentSize),
                                 "--unet-batch", String(unetBatch), "--vae-batch", String(vaeBatch),
                                 "--minimum-seconds", String(options.minimumSeconds)]
                if skipUNet { arguments.append("--skip-unet") }
                if skipVAE { arguments.append("--skip-vae") }
                reference = try ReferenceRunner.run(script: "bench_reference.py", arguments: arguments, python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }
        let pixels = latentSize * 8
        if let unetSeconds, let unetPeak {
            rows.append(ComparisonRow(name: "U-Net step, batch \(unetBatch), latents \(latentSize)², context 77×768", unit: "s",
                                      clipkit: unetSeconds, reference: reference["unet_seconds"], higherIsBetter: false))
            rows.append(ComparisonRow(name: "peak RSS, U-Net phase", unit: "MB", clipkit: unetPeak,
                                      reference: reference["unet_peak_rss_mb"], higherIsBetter: false))
        }
        if let vaeSeconds, let vaePeak {
            rows.append(ComparisonRow(name: "VAE decode, batch \(vaeBatch), \(pixels)² pixels", unit: "s",
                                      clipkit: vaeSeconds, reference: reference["vae_seconds"], higherIsBetter: false))
            rows.append(ComparisonRow(name: "peak RSS, VAE phase", unit: "MB", clipkit: vaePeak,
                                      reference: reference["vae_peak_rss_mb"], higherIsBetter: false))
        }
        print("generate benchmark: Stable Diffusion 1.5 U-Net and VAE, random weights, \(options.threads) thread(s), "
              + "load average \(LoadAverage.text)")
        ComparisonRow.printTable(rows, referenceName: "diffusers")
    }
}
