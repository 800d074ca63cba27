import Autograd
import Foundation
import NN
import Tensor

/// The diffusion timestep as the network sees it (Ho et al. 2020 after Vaswani et al. 2017's
/// positional encoding; diffusers' `Timesteps` + `TimestepEmbedding`):
///
///     f_i = exp(−ln(10000)·i/(d/2 − shift)),  i = 0 … d/2 − 1
///     e(t) = [sin(t·f), cos(t·f)]      ([cos, sin] when `flip_sin_to_cos`)
///     τ(t) = linear_2(SiLU(linear_1(e(t))))
///
/// d is the first block's width; τ is `timeEmbeddingWidth` wide. Parameter names `linear_1`,
/// `linear_2` (the UNet registers this module as `time_embedding`).
public struct TimestepEmbedding: Module {
    public let sinusoidWidth: Int
    public let flipSinToCos: Bool
    public let frequencyShift: Float
    @Key("linear_1") public var first: Linear
    @Key("linear_2") public var second: Linear

    public init(sinusoidWidth: Int, embeddingWidth: Int, flipSinToCos: Bool = true, frequencyShift: Float = 0) {
        self.sinusoidWidth = sinusoidWidth
        self.flipSinToCos = flipSinToCos
        self.frequencyShift = frequencyShift
        first = Linear(inFeatures: sinusoidWidth, outFeatures: embeddingWidth)
        second = Linear(inFeatures: embeddingWidth, outFeatures: embeddingWidth)
    }

    /// e(t) for each timestep: `[timesteps.count, sinusoidWidth]`, computed in Float32 in diffusers'
    /// order of operations.
    public func sinusoids(_ timesteps: [Float]) -> Tensor {
        let half = sinusoidWidth / 2
        let frequencies = (0..<half).map { index in
            Foundation.exp(-Float(Foundation.log(10000.0)) * Float(index) / (Float(half) - frequencyShift))
        }
        return Tensor(shape: [timesteps.count, sinusoidWidth]) { output in
            output.initialize(repeating: 0)
            for (row, timestep) in timesteps.enumerated() {
                let line = output.baseAddress! + row * sinusoidWidth
                for (index, frequency) in frequencies.enumerated() {
                    let angle = timestep * frequency
                    let (sine, cosine) = (Foundation.sin(angle), Foundation.cos(angle))
                    line[flipSinToCos ? half + index : index] = sine
                    line[flipSinToCos ? index : half + index] = cosine
                }
            }
        }
    }

    /// τ(t): `[timesteps.count, embeddingWidth]`.
    public func callAsFunction(_ timesteps: [Float]) -> Variable {
        second(first(Variable(sinusoids(timesteps))).silu())  // [batch, embeddingWidth]
    }
}
