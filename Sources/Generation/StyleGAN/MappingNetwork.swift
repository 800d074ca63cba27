import Autograd
import NN
import Tensor

/// StyleGAN's mapping network f: Z → W (Karras et al. 2019, §2; the seed paper's §2.2): PixelNorm
/// on z, then `layers` fully connected layers of `width` features, each an `EqualizedLinear`
/// with learning-rate multiplier 0.01 and the fused √2·LeakyReLU₀.₂,
///
///     w = FC_n(… FC_1(z / √(mean z² + 10⁻⁸))).
///
/// The sequence is rosinality's `style` `nn.Sequential`: position 0 is the PixelNorm (no
/// parameters), positions 1…n the layers (`style.1.weight`, …).
public struct MappingNetwork: Module {
    @Key("") public var sequence: [any Module]

    public init(width: Int, layers: Int, learningRateMultiplier: Float = 0.01, generator: inout SeededGenerator) {
        var sequence: [any Module] = [PixelNorm()]
        for _ in 0..<layers {
            sequence.append(EqualizedLinear(inFeatures: width, outFeatures: width, learningRateMultiplier: learningRateMultiplier,
                                            activates: true, generator: &generator))
        }
        self.sequence = sequence
    }

    /// The fully connected layers (positions 1… of the sequence).
    public var layers: [EqualizedLinear] { sequence.compactMap { $0 as? EqualizedLinear } }

    /// `z` `[batch, width]` → `w` `[batch, width]`.
    public func callAsFunction(_ latent: Variable) -> Variable {
        layers.reduce(PixelNorm()(latent)) { hidden, layer in layer(hidden) }
    }
}
