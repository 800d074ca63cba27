import ArgumentParser
import CLIPKit
import Foundation
import Generation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate images from a text prompt and, with an IP-Adapter, reference photos; or sample a StyleGAN2 run.",
        discussion: """
            --model is a diffusers Stable Diffusion folder (model_index.json, unet/, vae/, \
            text_encoder/, tokenizer/, scheduler/), optionally with --ip-adapter FILE \
            (ip-adapter_sd15.bin or .safetensors; its CLIP image encoder in image_encoder/ of the \
            folder or beside the file), or a folder written by `clipkit train` (tasks diffusion, \
            ip_adapter, stylegan, text2face). A stylegan run samples unconditionally: --count images \
            from --seed with --truncation psi, no prompt; a text2face run draws --count faces \
            of the --text (alias of --prompt) through its mapping and generator (with \
            --conditioning-mean, z = mu(s) rather than mu(s) + sigma(s) * epsilon). Several --image references are combined by --aggregate: mean, max, \
            concat (one token group per image) or attention (a trained aggregator). Each PNG \
            records the settings in its metadata; a --seed repeats an image bit for bit.

            Examples:
              clipkit generate --model sd15 --prompt "a portrait of a man" --steps 30 --out out/
              clipkit generate --model runs/orl-ip-attention --prompt "a photo of a man with glasses" \\
                --image a.png --image b.png --aggregate attention --ip-scale 0.8 --out out/
              clipkit generate --model runs/text2face-generator --count 8 --seed 1 --truncation 0.7 --out out/
              clipkit generate --model runs/text2face-mapping --text "a man with glasses and a beard" \
                --count 8 --seed 1 --out out/
            """)

    @Option(help: "A diffusers Stable Diffusion folder, a CLIPKit diffusion run folder or a stylegan run folder.", completion: .directory)
    var model: String

    @Option(name: [.customLong("prompt"), .customLong("text")], help: "The text prompt (diffusion and text2face models).")
    var prompt: String?

    @Option(help: "StyleGAN2 truncation psi: w moves towards the mean w (1: none; text2face default: the run's).")
    var truncation: Float?

    @Flag(help: "text2face: render z = mu(s), the mean of conditioning augmentation's Gaussian, instead of drawing z = mu(s) + sigma(s) * epsilon (epsilon = 0; default: drawn, as trained).")
    var conditioningMean = false

    @Option(help: "The negative prompt (the unconditional branch of guidance). Default: empty.")
    var negativePrompt = ""

    @Option(name: .customLong("image"), help: ArgumentHelp("A reference photo; repeat for several.", valueName: "file"),
            completion: .file())
    var images: [String] = []

    @Option(help: "An IP-Adapter file for a diffusers folder.", completion: .file())
    var ipAdapter: String?

    @Option(help: "How several references combine: mean, max, concat or attention.")
    var aggregate = "mean"

    @Option(help: "λ, the weight of the image prompt.")
    var ipScale: Float = 1

    @Option(help: "w, the classifier-free guidance scale (1: no unconditional pass).")
    var guidance: Float = 7.5

    @Option(help: "Denoising steps.")
    var steps = 50

    @Option(help: "The sampler: ddpm or ddim.")
    var scheduler = "ddim"

    @Option(help: "DDIM's eta (0: deterministic).")
    var eta: Float = 0

    @Option(help: "Seed of the initial noise and every draw.")
    var seed: UInt64 = 0

    @Option(help: "Images to generate.")
    var count = 1

    @Option(help: "Image side in pixels (default: the model's native size).")
    var size: Int?

    @Option(help: "Output folder.", completion: .directory)
    var out: String

    func validate() throws {
        guard ImagePromptAggregation(rawValue: aggregate) != nil else { throw ValidationError("--aggregate must be mean, max, concat or attention") }
        guard SamplerKind(rawValue: scheduler) != nil else { throw ValidationError("--scheduler must be ddpm or ddim") }
        guard steps >= 1, count >= 1 else { throw ValidationError("--steps and --count must be at least 1") }
        guard eta >= 0 else { throw ValidationError("--eta must be non-negative") }
        guard truncation?.isFinite ?? true else { throw ValidationError("--truncation must be a number") }
        guard !conditioningMean || TextToFaceSampling.isTextToFaceFolder(model) else {
            throw ValidationError("--conditioning-mean applies to text2face runs only")
        }
        guard prompt != nil || StyleGANSampling.isStyleGANFolder(model) else {
            throw ValidationError("--prompt (or --text) is required for diffusion and text2face models")
        }
    }

    func run() throws {
        if TextToFaceSampling.isTextToFaceFolder(model), let text = prompt {
            let files = try TextToFaceSampling(model: model).run(text: text, count: count, seed: seed, truncation: truncation,
                                                                 conditioningMean: conditioningMean, outputDirectory: URL(fileURLWithPath: out, isDirectory: true))
            for file in files { print(file.path) }
            return
        }
        if StyleGANSampling.isStyleGANFolder(model) {
            let sampling = try StyleGANSampling(model: model)
            let files = try sampling.run(count: count, seed: seed, truncation: truncation ?? 1,
                                         outputDirectory: URL(fileURLWithPath: out, isDirectory: true))
            for file in files { print(file.path) }
            return
        }
        let prompt = self.prompt ?? ""
        let generation = try ImageGeneration.load(model: model, ipAdapter: ipAdapter)
        let settings = GenerationSettings(prompt: prompt, negativePrompt: negativePrompt, aggregation: ImagePromptAggregation(rawValue: aggregate)!,
                                          imageScale: ipScale, guidance: guidance, steps: steps, sampler: SamplerKind(rawValue: scheduler)!,
                                          eta: eta, seed: seed, size: size)
        let files = try generation.run(settings, references: images.map { URL(fileURLWithPath: $0) }, count: count,
                                       outputDirectory: URL(fileURLWithPath: out, isDirectory: true),
                                       progress: ProgressBar.callback(label: "denoising"))
        for file in files { print(file.path) }
    }
}
