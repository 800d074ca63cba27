import Checkpoint
import Foundation
import Generation
import Tensor
import TestSupport
import Testing

/// DDPM and DDIM against diffusers' `DDPMScheduler` / `DDIMScheduler` (`scripts/fixtures/diffusion.py`):
/// β and ᾱ, the visited timesteps of every spacing, `add_noise`, `get_velocity`, and whole reverse
/// chains (ε- and v-prediction, linear / scaled-linear / cosine β, DDPM fixed-small and fixed-large
/// variance, DDIM with η = 0 and η = 0.5) fed with diffusers' model outputs and noise; every
/// previous sample and x̂₀ within 1e-4 relative to the reference's largest magnitude.
@Suite struct SchedulerParityTests {
    struct Case: Decodable {
        let kind: String
        let config: SchedulerConfiguration
        let steps: Int
        let eta: Float?
    }

    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("diffusion", "schedulers.safetensors")) }
    static let cases = Result {
        try JSONDecoder().decode([String: Case].self, from: Data(contentsOf: TestPaths.fixture("diffusion", "schedulers.json")))
    }
    static let tolerance = Tolerance.relative(1e-4, floor: 1e-6)

    func scheduler(_ testCase: Case) -> any DenoisingScheduler {
        testCase.kind == "ddpm" ? DDPMScheduler(configuration: testCase.config)
            : DDIMScheduler(configuration: testCase.config, eta: testCase.eta ?? 0)
    }

    @Test(arguments: ["ddpm_linear", "ddpm_scaled_v", "ddpm_cosine", "ddim_sd", "ddim_eta", "ddim_v_cosine"])
    func matchesDiffusers(_ name: String) throws {
        let testCase = try #require(try Self.cases.get()[name])
        let data = try Self.fixture.get().tensors(under: name)
        let scheduler = scheduler(testCase)
        let schedule = scheduler.noiseSchedule
        expectClose(Tensor(shape: [schedule.count], scalars: schedule.betas), data["betas"], Self.tolerance, "\(name) betas")
        expectClose(Tensor(shape: [schedule.count], scalars: schedule.alphasCumulative), data["alphas_cumprod"], Self.tolerance,
                    "\(name) cumulative alphas")
        for count in Set([1, 3, testCase.steps, 50]) {
            let timesteps = scheduler.plan(steps: count).timesteps.map(Float.init)
            #expect(timesteps == data["timesteps.\(count)"]?.scalars, "\(name): timesteps for \(count) steps")
        }
        let noisyTimesteps = try #require(data["add_noise.timesteps"]).scalars.map { Int($0) }
        let sample = try #require(data["add_noise.sample"]), noise = try #require(data["add_noise.noise"])
        expectClose(schedule.addNoise(to: sample, noise: noise, timesteps: noisyTimesteps), data["add_noise.output"], Self.tolerance,
                    "\(name) add_noise")
        if let velocity = data["velocity"] {
            expectClose(schedule.velocity(samples: sample, noise: noise, timesteps: noisyTimesteps), velocity, Self.tolerance,
                        "\(name) velocity")
        }
        let plan = scheduler.plan(steps: testCase.steps)
        let timesteps = plan.timesteps
        for index in timesteps.indices {
            let prefix = "step\(index)"
            #expect(Float(timesteps[index]) == data["\(prefix).timestep"]?.scalars.first, "\(name) step \(index) timestep")
            let step = scheduler.step(modelOutput: try #require(data["\(prefix).model_output"]), at: index, of: plan,
                                      sample: try #require(data["\(prefix).sample"]),
                                      noise: scheduler.addsNoise(at: index, of: plan) ? data["\(prefix).noise"] : nil)
            expectClose(step.previousSample, data["\(prefix).prev_sample"], Self.tolerance, "\(name) step \(index) previous sample")
            expectClose(step.predictedOriginal, data["\(prefix).pred_original"], Self.tolerance, "\(name) step \(index) x̂₀")
        }
    }

    @Test(arguments: TimestepSpacing.allCases)
    func visitedTimestepsMatchDiffusers(_ spacing: TimestepSpacing) throws {
        let data = try Self.fixture.get().tensors(under: "spacing.\(spacing.rawValue)")
        #expect(data.count == 107)
        for (count, reference) in data {
            let steps = try #require(Int(count))
            let timesteps = spacing.timesteps(count: steps, trainingSteps: 1000, offset: spacing == .leading ? 1 : 0)
            #expect(timesteps.map(Float.init) == reference.scalars, "\(spacing) with \(steps) steps")
        }
    }

    @Test func guidanceOfOneIsTheConditionalPrediction() {
        var generator = SeededGenerator(seed: 4)
        let conditional = Tensor.randomNormal([2, 4, 8, 8], generator: &generator)
        let unconditional = Tensor.randomNormal([2, 4, 8, 8], generator: &generator)
        #expect(ClassifierFreeGuidance.combine(conditional: conditional, unconditional: unconditional, scale: 1).scalars == conditional.scalars)
        let guided = ClassifierFreeGuidance.combine(conditional: conditional, unconditional: unconditional, scale: 7.5)
        expectClose(guided, unconditional + (conditional - unconditional) * 7.5, .relative(1e-5, floor: 1e-6), "w = 7.5")
        #expect(ClassifierFreeGuidance.combine(conditional: conditional, unconditional: unconditional, scale: 0).scalars == unconditional.scalars)
    }

    @Test func stableDiffusionConfigurationReadsFromAFolder() throws {
        let configuration = try SchedulerConfiguration.load(
            contentsOf: TestPaths.fixture("diffusion", "tiny-sd/scheduler/scheduler_config.json"))
        #expect(configuration == {
            var expected = SchedulerConfiguration.stableDiffusion
            expected.className = "DDIMScheduler"
            return expected
        }())
    }

    @Test func unsupportedSettingsAreRejected() {
        let thresholding = Data(#"{"thresholding": true}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SchedulerConfiguration.self, from: thresholding) }
        let betas = Data(#"{"num_train_timesteps": 4, "trained_betas": [0.1, 0.2]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SchedulerConfiguration.self, from: betas) }
    }
}
