import Tensor

/// Denoising diffusion implicit models (Song, Meng & Ermon 2021, Eq. 12), as diffusers'
/// `DDIMScheduler.step`: with S visited steps, t′ = t − ⌊T/S⌋ and ᾱ_{t′} (for t′ < 0: 1 when
/// `set_alpha_to_one`, else ᾱ₀),
///
///     x̂₀, ε̂ from the prediction (x̂₀ clamped if configured)
///     σ = η·√((1 − ᾱ_{t′})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t′})
///     x_{t′} = √ᾱ_{t′}·x̂₀ + √(1 − ᾱ_{t′} − σ²)·ε̂ + σ·z,   z ~ N(0, I)
///
/// η = 0 is the deterministic sampler; η = 1 matches DDPM's posterior variance.
public struct DDIMScheduler: DenoisingScheduler {
    public let configuration: SchedulerConfiguration
    public let noiseSchedule: NoiseSchedule
    /// η ≥ 0.
    public let eta: Float

    public init(configuration: SchedulerConfiguration = SchedulerConfiguration(), eta: Float = 0) {
        precondition(eta >= 0, "DDIM's eta must be non-negative, got \(eta)")
        self.configuration = configuration
        noiseSchedule = configuration.noiseSchedule
        self.eta = eta
    }

    public func addsNoise(at index: Int, of plan: SamplingPlan) -> Bool { eta > 0 }

    public func step(modelOutput: Tensor, at index: Int, of plan: SamplingPlan, sample: Tensor, noise: Tensor?) -> DenoisingStep {
        let timestep = plan.timesteps[index]
        let previous = timestep - configuration.trainingSteps / plan.steps
        let cumulative = noiseSchedule.alphasCumulative[timestep]
        let cumulativePrevious: Float = previous >= 0
            ? noiseSchedule.alphasCumulative[previous]
            : (configuration.setAlphaToOne ? 1 : noiseSchedule.alphasCumulative[0])
        let (original, predictedNoise) = originalAndNoise(modelOutput: modelOutput, sample: sample, alphaCumulative: cumulative)
        let variance = (1 - cumulativePrevious) / (1 - cumulative) * (1 - cumulative / cumulativePrevious)
        let deviation = eta * variance.squareRoot()
        var next = original * cumulativePrevious.squareRoot() + predictedNoise * (1 - cumulativePrevious - deviation * deviation).squareRoot()
        if eta > 0 {
            guard let noise else { preconditionFailure("DDIM with eta \(eta) needs noise") }
            next = next + noise * deviation
        }
        return DenoisingStep(previousSample: next, predictedOriginal: original)
    }
}
