import Autograd
import NN
import Tensor

/// The R1 gradient penalty on real images (Mescheder et al. 2018, Eq. 9; StyleGAN's default
/// regulariser, Karras et al. 2019 App. C, and StyleGAN2's lazy form, 2020 §3.1):
///
///     R1(θ) = γ/2 · E_x ‖∇_x D_θ(x)‖².
///
/// Its gradient for the discriminator's weights is a second derivative,
/// ∇_θ R1 = γ · E_x H_θx · ∇_x D(x) (H_θx = ∂²D/∂θ∂x), and CLIPKit's tape is first-order only (its
/// backward rules map tensors to tensors and record nothing). So the Hessian–vector product is
/// taken by a central finite difference of first-order gradients along g = ∇_x ΣD(x):
///
///     H_θx·g ≈ ‖g‖ · (∇_θ ΣD(x + h·ĝ) − ∇_θ ΣD(x − h·ĝ)) / (2h),    ĝ = g/‖g‖,
///
/// exact to O(h²) for a smooth D (the leaky ReLU's kinks add a small bias where a step crosses
/// one). It costs one forward + backward for g and two for the difference. The result is one
/// tape node whose value is the penalty and whose backward hands out these gradients, so it adds
/// to any loss built on the same parameters.
public enum R1Penalty {
    /// The penalty γ/2 · mean_b ‖∇_x D(x_b)‖² for `images` `[batch, c, h, w]`, differentiable for
    /// `parameters` (the discriminator's trainable weights, whose gradients must be empty on entry
    /// and are left empty). `step` is h, in the images' units.
    public static func penalty(images: Tensor, weight gamma: Float, parameters: [Parameter], step: Float = 1e-2,
                               discriminator: (Variable) -> Variable) -> Variable {
        let batch = Float(images.shape[0])
        let input = Variable(images, requiresGradient: true)
        discriminator(input).sum().backward()
        let inputGradient = input.gradient ?? Tensor(zeros: images.shape)  // [batch, c, h, w]
        for parameter in parameters { parameter.clearGradient() }
        let squaredNorm = inputGradient.squared().sum()
        let value = gamma / 2 * squaredNorm / batch
        let norm = squaredNorm.squareRoot()
        guard norm > 0 else {
            return Variable(Tensor(scalar: value), operation: "R1", inputs: parameters.map(\.variable)) { _ in
                parameters.map { Tensor(zeros: $0.value.shape) }
            }
        }
        let direction = inputGradient * (step / norm)  // h·ĝ
        func parameterGradients(at shifted: Tensor) -> [Tensor] {
            discriminator(Variable(shifted)).sum().backward()
            let gradients = parameters.map { $0.gradient ?? Tensor(zeros: $0.value.shape) }
            for parameter in parameters { parameter.clearGradient() }
            return gradients
        }
        let ahead = parameterGradients(at: images + direction)
        let behind = parameterGradients(at: images - direction)
        // ∇_θ R1 = γ/B · H_θx·g.
        let factor = gamma / batch * norm / (2 * step)
        let gradients = zip(ahead, behind).map { ($0 - $1) * factor }
        return Variable(Tensor(scalar: value), operation: "R1", inputs: parameters.map(\.variable)) { seed in
            gradients.map { $0 * seed.item }
        }
    }
}
