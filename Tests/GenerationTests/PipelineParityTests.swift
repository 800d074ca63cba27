import Autograd
import Checkpoint
import Foundation
import Generation
import Imaging
import Tensor
import TestSupport
import Testing

/// The whole text-to-image pipeline against diffusers' `StableDiffusionPipeline` on the tiny
/// folder (`scripts/fixtures/diffusion.py`; float16 weights, a 2-layer CLIP text encoder, the
/// installed CLIP merges list as the tokenizer): prompt and negative prompt, 4 DDIM steps,
/// guidance 5, fixed initial latents, VAE decoding — the final image within 1e-4 of the reference.
@Suite struct PipelineParityTests {
    struct Settings: Decodable { let prompt: String; let negative_prompt: String; let steps: Int; let guidance: Float }

    static func model() throws -> DiffusionModel {
        try DiffusionModel.loadStableDiffusion(directory: TestPaths.fixture("diffusion", "tiny-sd"),
                                               mergesFile: try TestPaths.installedPackageFile("clip/bpe_simple_vocab_16e6.txt.gz"))
    }

    @Test func textToImageMatchesDiffusers() throws {
        let model = try Self.model()
        let settings = try JSONDecoder().decode(Settings.self, from: Data(contentsOf: TestPaths.fixture("diffusion", "pipeline.json")))
        let data = try SafetensorsFile(contentsOf: TestPaths.fixture("diffusion", "pipeline.safetensors")).allTensors()
        let contexts = try model.promptEncoder.contexts(for: [settings.prompt, settings.negative_prompt])
        let parts = contexts.split(sizes: [1, 1], alongAxis: 0)
        let sampler = DiffusionSampler(unet: model.unet, scheduler: DDIMScheduler(configuration: model.schedulerConfiguration))
        var generator = SeededGenerator(seed: 0)
        var steps: [Int] = []
        let latents = sampler.sample(from: try #require(data["latents"]),
                                     conditioning: DiffusionConditioning(context: parts[0], unconditionalContext: parts[1]),
                                     guidance: settings.guidance, steps: settings.steps, generator: &generator) { step, total in
            steps.append(step)
            #expect(total == settings.steps)
        }
        #expect(steps == Array(1...settings.steps))
        expectClose(model.decode(latents), data["image"], .relative(1e-4, floor: 1e-6), "generated image")
    }

    @Test func aFixedSeedGeneratesTheSameImageBitForBit() throws {
        let model = try Self.model()
        var settings = GenerationSettings(prompt: "a man with glasses", negativePrompt: "", guidance: 3, steps: 3, sampler: .ddpm, seed: 42,
                                          size: 16)
        let first = try model.generate(settings)
        let second = try model.generate(settings)
        #expect(first.shape == [1, 3, 16, 16])
        #expect(first.scalars == second.scalars)
        settings.seed = 43
        #expect(try model.generate(settings).scalars != first.scalars)
    }

    @Test func paddingFollowsTheTokenizerConfiguration() throws {
        let model = try Self.model()
        let encoder = try #require(model.promptEncoder as? CLIPPromptEncoder)
        let ids = try encoder.tokenIDs(for: ["a cat"])[0]
        #expect(ids.count == 77 && ids[0] == 49406 && ids[3] == 49407 && ids[4...].allSatisfy { $0 == 49407 })
    }
}
