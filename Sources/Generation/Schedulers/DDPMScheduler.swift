import Tensor

/// Ancestral sampling of DDPM (Ho et al. 2020, Algorithm 2; the seed paper's Eq. 10, written for
/// any visited subsequence of timesteps as diffusers' `DDPMScheduler.step`): with t′ the next
/// visited timestep (−1 after the last), ᾱ_{t′} (1 for t′ < 0), α = ᾱ_t/ᾱ_{t′}, β = 1 − α,
///
///     x̂₀ from the prediction (clamped if configured)
///     μ = √ᾱ_{t′}·β/(1 − ᾱ_t) · x̂₀ + √α·(1 − ᾱ_{t′})/(1 − ᾱ_t) · x_t
///     x_{t′} = μ + σ·z,   σ² = (1 − ᾱ_{t′})/(1 − ᾱ_t)·β (fixed_small) or β (fixed_large),   z ~ N(0, I)
///
/// For ε-prediction over every timestep this is Eq. 10: x_{t−1} = (x_t − β_t/√(1 − ᾱ_t)·ε̂)/√α_t + σ_t·z.
/// No noise is added at t = 0.
public struct DDPMScheduler: DenoisingScheduler {
    public let configuration: SchedulerConfiguration
    public let noiseSchedule: NoiseSchedule

    public init(configuration: SchedulerConfiguration = SchedulerConfiguration()) {
        self.configuration = configuration
        noiseSchedule = configuration.noiseSchedule
    }

    public func addsNoise(at index: Int, of plan: SamplingPlan) -> Bool { plan.timesteps[index] > 0 }

    public func step(modelOutput: Tensor, at index: Int, of plan: SamplingPlan, sample: Tensor, noise: Tensor?) -> DenoisingStep {
        let timesteps = plan.timesteps, timestep = timesteps[index]
        let previous = index + 1 < timesteps.count ? timesteps[index + 1] : -1
        let cumulative = noiseSchedule.alphasCumulative[timestep]
        let cumulativePrevious: Float = previous >= 0 ? noiseSchedule.alphasCumulative[previous] : 1
        let alpha = cumulative / cumulativePrevious, beta = 1 - alpha
        let (original, _) = originalAndNoise(modelOutput: modelOutput, sample: sample, alphaCumulative: cumulative)
        let originalCoefficient = cumulativePrevious.squareRoot() * beta / (1 - cumulative)
        let sampleCoefficient = alpha.squareRoot() * (1 - cumulativePrevious) / (1 - cumulative)
        var next = original * originalCoefficient + sample * sampleCoefficient
        if timestep > 0 {
            guard let noise else { preconditionFailure("DDPM step at t = \(timestep) needs noise") }
            let variance: Float
            switch configuration.varianceType {
            case .fixedSmall: variance = max((1 - cumulativePrevious) / (1 - cumulative) * beta, 1e-20)
            case .fixedLarge: variance = beta
            }
            next = next + noise * variance.squareRoot()
        }
        return DenoisingStep(previousSample: next, predictedOriginal: original)
    }
}
