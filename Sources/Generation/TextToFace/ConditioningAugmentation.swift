import Autograd
import NN
import Tensor

/// Conditioning augmentation F_ca (Zhang et al. 2017, "StackGAN", §3.1; the text-to-face seed
/// paper's Eqs. 2–3): one linear layer maps the text embedding s to the mean and log-variance of a
/// diagonal Gaussian, and the latent is drawn from it by reparameterisation,
///
///     [μ(s), log σ²(s)] = W·s + b                     `projection`, [batch, 2·latentWidth]
///     z = μ + σ ⊙ ε,  σ = exp(½·log σ²),  ε ~ N(0, I)
///     L_KL = D_KL(N(μ, diag σ²) ‖ N(0, I)) = ½·Σ(μ² + σ² − log σ² − 1)
///
/// so z varies around the text's meaning and the KL term keeps the conditioning manifold smooth.
/// StackGAN's `CA_NET` puts a GLU after the linear layer; here it is the plain linear layer of the
/// seed paper's Fig. 2. Key name `projection` (`weight` `[2·latentWidth, textWidth]`, `bias`); the
/// first `latentWidth` outputs are μ, the rest log σ². L_KL is `Losses.gaussianKLToStandardNormal`.
public struct ConditioningAugmentation: Module {
    @Key("projection") public var projection: Linear

    /// The layer with PyTorch's default `Linear` initialisation.
    public init(textWidth: Int, latentWidth: Int, generator: inout SeededGenerator) {
        projection = Linear(inFeatures: textWidth, outFeatures: 2 * latentWidth, generator: &generator)
    }

    public var textWidth: Int { projection.inFeatures }
    public var latentWidth: Int { projection.outFeatures / 2 }

    /// The Gaussian's parameters of text embeddings `[batch, textWidth]`: μ and log σ², each `[batch, latentWidth]`.
    public func distribution(_ text: Variable) -> (mean: Variable, logVariance: Variable) {
        precondition(text.shape.count == 2 && text.shape[1] == textWidth,
                     "conditioning augmentation of width \(textWidth) got \(text.shape)")
        let parts = projection(text).split(sizes: [latentWidth, latentWidth], alongAxis: 1)  // 2 × [batch, latentWidth]
        return (parts[0], parts[1])
    }

    /// z = μ + σ ⊙ ε for the given noise ε `[batch, latentWidth]`, with μ, log σ² and the mean KL term.
    public func callAsFunction(_ text: Variable, noise: Tensor) -> ConditioningAugmentationOutput {
        let (mean, logVariance) = distribution(text)
        precondition(noise.shape == mean.shape, "noise \(noise.shape) for a latent of shape \(mean.shape)")
        let latent = mean + (logVariance * 0.5).exp() * Variable(noise)  // [batch, latentWidth]
        return ConditioningAugmentationOutput(latent: latent, mean: mean, logVariance: logVariance)
    }

    /// z with ε drawn from `generator` (the trainer's random state, so a resumed run draws the same ε).
    public func callAsFunction(_ text: Variable, generator: inout SeededGenerator) -> ConditioningAugmentationOutput {
        let noise = Tensor.randomNormal([text.shape[0], latentWidth], generator: &generator)  // [batch, latentWidth]
        return self(text, noise: noise)
    }
}

/// What conditioning augmentation returns: the latent z and the Gaussian it was drawn from.
public struct ConditioningAugmentationOutput {
    /// z = μ + σ ⊙ ε, `[batch, latentWidth]`.
    public var latent: Variable
    public var mean: Variable
    public var logVariance: Variable

    /// L_KL = D_KL(N(μ, σ²) ‖ N(0, I)) (Eq. 3), averaged over every element (`.mean`, StackGAN's
    /// `KL_loss`) or summed per example and averaged over the batch (`.batchMean`).
    public func klDivergence(reduction: LossReduction = .mean) -> Variable {
        Losses.gaussianKLToStandardNormal(mean: mean, logVariance: logVariance, reduction: reduction)
    }
}
