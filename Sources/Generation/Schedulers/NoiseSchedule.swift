import Foundation
import Tensor

/// The forward (noising) process of a diffusion model (Ho et al. 2020, "Denoising Diffusion
/// Probabilistic Models"; the seed paper's Eqs. 6–9):
///
///     q(x_t | x_{t−1}) = N(√(1 − β_t)·x_{t−1}, β_t·I)
///     α_t = 1 − β_t,   ᾱ_t = Π_{s ≤ t} α_s
///     q(x_t | x₀) = N(√ᾱ_t·x₀, (1 − ᾱ_t)·I),   i.e.   x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε
///
/// Timesteps are 0-based as in diffusers (t = 0 … T − 1). ᾱ is accumulated in Float32 in order,
/// as PyTorch's `cumprod` does.
public struct NoiseSchedule: Sendable, Equatable {
    public let betas: [Float]
    public let alphasCumulative: [Float]

    public init(betas: [Float]) {
        precondition(!betas.isEmpty && betas.allSatisfy { $0 >= 0 && $0 <= 1 }, "betas must lie in [0, 1]")
        self.betas = betas
        var product: Float = 1
        alphasCumulative = betas.map { beta in
            product *= 1 - beta
            return product
        }
    }

    /// T, the number of training timesteps.
    public var count: Int { betas.count }

    /// x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε for each sample of the batch at its own timestep (Eq. 8;
    /// diffusers' `add_noise`): `samples` and `noise` `[batch, …]`, one timestep per sample.
    public func addNoise(to samples: Tensor, noise: Tensor, timesteps: [Int]) -> Tensor {
        combine(samples, noise, timesteps: timesteps) { cumulative in (cumulative.squareRoot(), (1 - cumulative).squareRoot()) }
    }

    /// The velocity target v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀ (Salimans & Ho 2022; diffusers' `get_velocity`).
    public func velocity(samples: Tensor, noise: Tensor, timesteps: [Int]) -> Tensor {
        combine(noise, samples, timesteps: timesteps) { cumulative in (cumulative.squareRoot(), -(1 - cumulative).squareRoot()) }
    }

    /// a_t·first + b_t·second per sample, with (a_t, b_t) from ᾱ_t.
    private func combine(_ first: Tensor, _ second: Tensor, timesteps: [Int],
                         coefficients: (Float) -> (Float, Float)) -> Tensor {
        precondition(first.shape == second.shape && first.rank >= 1 && first.shape[0] == timesteps.count,
                     "need samples and noise of one shape [batch, …] and one timestep per sample, got \(first.shape), \(second.shape), \(timesteps.count)")
        precondition(timesteps.allSatisfy { $0 >= 0 && $0 < count }, "timesteps must lie in 0..<\(count), got \(timesteps)")
        let perSample = first.count / max(timesteps.count, 1)
        return Tensor(shape: first.shape) { output in
            for (index, timestep) in timesteps.enumerated() {
                let (a, b) = coefficients(alphasCumulative[timestep])
                let start = index * perSample
                for element in start..<(start + perSample) {
                    output[element] = a * first.pointer[element] + b * second.pointer[element]
                }
            }
        }
    }

    /// β rescaled so that the last timestep has zero signal-to-noise ratio (Lin et al. 2024,
    /// Algorithm 1): √ᾱ is shifted so √ᾱ_T = 0 and scaled so √ᾱ₁ is kept.
    public static func rescaledToZeroTerminalSNR(_ betas: [Float]) -> [Float] {
        var product: Float = 1
        var roots = betas.map { beta -> Float in
            product *= 1 - beta
            return product.squareRoot()
        }
        let (first, last) = (roots[0], roots[roots.count - 1])
        roots = roots.map { ($0 - last) * first / (first - last) }
        let cumulative = roots.map { $0 * $0 }
        return cumulative.indices.map { index in
            1 - (index == 0 ? cumulative[0] : cumulative[index] / cumulative[index - 1])
        }
    }
}
