import Autograd
import Tensor

/// The non-saturating logistic GAN loss (Goodfellow et al. 2014, §3; StyleGAN's default, Karras
/// et al. 2019 App. C), with D's logits t:
///
///     L_D = E softplus(−D(x)) + E softplus(D(G(z))),     L_G = E softplus(−D(G(z))),
///
/// softplus(u) = log(1 + eᵘ), i.e. −log σ(D(x)) − log(1 − σ(D(G(z)))) and −log σ(D(G(z))).
public enum AdversarialLoss {
    /// The discriminator's loss for logits of real and generated images.
    public static func discriminator(real: Variable, generated: Variable) -> Variable {
        (-real).softplus().mean() + generated.softplus().mean()
    }

    /// The generator's non-saturating loss for the logits of its images.
    public static func generator(generated: Variable) -> Variable {
        (-generated).softplus().mean()
    }
}
