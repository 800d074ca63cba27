import Autograd
import Tensor

extension Losses {
    /// The Kullback–Leibler divergence of a diagonal Gaussian from the standard normal, in closed
    /// form from the mean μ and the log-variance log σ² (Kingma & Welling 2014, appendix B):
    /// D_KL(N(μ, σ²) ‖ N(0, 1)) = ½·Σ(μ² + σ² − log σ² − 1). Conditioning augmentation (Zhang et
    /// al. 2017, StackGAN) regularises its text-conditioned Gaussian with it; StackGAN averages
    /// the terms over every element (`.mean`), a VAE sums per example and averages over the batch
    /// (`.batchMean`). Gradients: ∂μ = μ, ∂log σ² = ½(σ² − 1), per term.
    public static func gaussianKLToStandardNormal(mean: Variable, logVariance: Variable, reduction: LossReduction = .mean) -> Variable {
        precondition(mean.shape == logVariance.shape, "KL of a mean \(mean.shape) and a log-variance \(logVariance.shape)")
        let terms = (mean.squared() + logVariance.exp() - logVariance - 1) * 0.5
        return reduced(terms, reduction)
    }
}
