import Tensor

/// One reverse step's results: x_{t_prev} and the x̂₀ it was built from.
public struct DenoisingStep {
    /// The sample at the next (smaller) visited timestep.
    public let previousSample: Tensor
    /// The prediction of the clean sample x̂₀ at this step.
    public let predictedOriginal: Tensor
}

/// The timesteps one sampling run visits, largest first, and the number of steps asked for (the
/// two differ by one for some trailing spacings, as in diffusers).
public struct SamplingPlan: Sendable, Equatable {
    public let steps: Int
    public let timesteps: [Int]

    public init(steps: Int, timesteps: [Int]) {
        precondition(steps >= 1 && !timesteps.isEmpty, "a sampling plan needs at least one step")
        self.steps = steps
        self.timesteps = timesteps
    }
}

/// A sampler of the reverse process: which timesteps to visit, and how to move from x_t to the
/// next visited timestep given the network's output. Conformers are plain values (DDPM, DDIM);
/// ancestral noise is an argument, drawn by the caller, so a run is reproducible from its seed.
public protocol DenoisingScheduler: Sendable {
    var configuration: SchedulerConfiguration { get }
    var noiseSchedule: NoiseSchedule { get }
    /// The visited timesteps for `steps` sampling steps.
    func plan(steps: Int) -> SamplingPlan
    /// Whether step `index` of `plan` adds fresh noise (then `noise` must be given).
    func addsNoise(at index: Int, of plan: SamplingPlan) -> Bool
    /// x_{t_prev} from x_t = `sample` and the network output at `plan.timesteps[index]`.
    func step(modelOutput: Tensor, at index: Int, of plan: SamplingPlan, sample: Tensor, noise: Tensor?) -> DenoisingStep
}

extension DenoisingScheduler {
    public var noiseSchedule: NoiseSchedule { configuration.noiseSchedule }

    public func plan(steps: Int) -> SamplingPlan {
        SamplingPlan(steps: steps, timesteps: configuration.timestepSpacing.timesteps(
            count: steps, trainingSteps: configuration.trainingSteps, offset: configuration.stepsOffset))
    }

    /// x̂₀ and ε̂ from the network output at ᾱ_t, by the prediction type; x̂₀ clamped when configured.
    func originalAndNoise(modelOutput: Tensor, sample: Tensor, alphaCumulative: Float) -> (original: Tensor, noise: Tensor) {
        precondition(modelOutput.shape == sample.shape, "model output \(modelOutput.shape) does not match sample \(sample.shape)")
        let signal = alphaCumulative.squareRoot(), noiseLevel = (1 - alphaCumulative).squareRoot()
        var original: Tensor, noise: Tensor
        switch configuration.predictionType {
        case .epsilon:
            original = (sample - modelOutput * noiseLevel) / signal
            noise = modelOutput
        case .sample:
            original = modelOutput
            noise = (sample - modelOutput * signal) / noiseLevel
        case .velocity:
            original = sample * signal - modelOutput * noiseLevel
            noise = modelOutput * signal + sample * noiseLevel
        }
        if configuration.clipSample {
            original = original.clamped(-configuration.clipSampleRange, configuration.clipSampleRange)
        }
        return (original, noise)
    }
}
