import Autograd
import Tensor

/// Leaky ReLU (Maas, Hannun & Ng 2013): y = x for x > 0, else a·x. StyleGAN uses a = 0.2;
/// PyTorch's `nn.LeakyReLU` defaults to 0.01. A layer rather than an `Activation` case because
/// it carries its slope. No parameters.
public struct LeakyReLU: Module {
    public let negativeSlope: Float

    public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }


    public func callAsFunction(_ input: Variable) -> Variable { input.leakyReLU(negativeSlope: negativeSlope) }
}
