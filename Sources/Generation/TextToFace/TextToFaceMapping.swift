import Autograd
import NN
import Tensor

/// The text mapping module of the text-to-face seed paper (§2, Fig. 1): conditioning augmentation
/// F_ca turns the text feature s into a latent z, and StyleGAN's 8-layer mapping network f turns z
/// into the disentangled w that the frozen generator renders,
///
///     [μ, log σ²] = W·s + b,   z = μ + σ ⊙ ε          (Eqs. 2–3, `ConditioningAugmentation`)
///     w = f(z)                                       (§2.2, `MappingNetwork`: PixelNorm + 8 FC)
///
/// Key names: `ca.projection.*` and `mapping.N.*` (the positions of rosinality's `style`
/// sequence, so the generator's own `style.*` tensors initialise it, see `copyMapping(from:)`).
public struct TextToFaceMapping: Module {
    @Key("ca") public var conditioning: ConditioningAugmentation
    @Key("mapping") public var mapping: MappingNetwork

    /// Fresh layers: CA from `textWidth` to the style width, the mapping network as the generator
    /// configuration's (width, layers, learning-rate multiplier).
    public init(textWidth: Int, generator configuration: StyleGANConfiguration, generator random: inout SeededGenerator) {
        conditioning = ConditioningAugmentation(textWidth: textWidth, latentWidth: configuration.styleDimension, generator: &random)
        mapping = MappingNetwork(width: configuration.styleDimension, layers: configuration.mappingLayers,
                                 learningRateMultiplier: configuration.mappingLearningRateMultiplier, generator: &random)
    }

    public var textWidth: Int { conditioning.textWidth }
    public var styleWidth: Int { conditioning.latentWidth }

    /// Sets the mapping network's weights to the pretrained generator's (its `style.*`), so that
    /// z ~ N(0, I), the prior L_KL pulls towards, lands where the generator was trained.
    public func copyMapping(from generator: StyleGANGenerator) throws {
        let values = Dictionary(uniqueKeysWithValues: generator.mapping.namedParameters.map { ($0.name, $0.parameter.value) })
        try mapping.loadWeights(values, source: "the generator's mapping network")
    }

    /// w `[batch, style]` of text features `[batch, textWidth]` for the noise ε `[batch, style]`,
    /// with the Gaussian z was drawn from (for L_KL).
    public func callAsFunction(_ text: Variable, noise: Tensor) -> (latent: Variable, conditioning: ConditioningAugmentationOutput) {
        let conditioned = conditioning(text, noise: noise)  // z: [batch, style]
        return (mapping(conditioned.latent), conditioned)  // w: [batch, style]
    }
}
