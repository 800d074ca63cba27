import Autograd
import NN
import Tensor

/// A fully connected layer with an equalised learning rate (Karras et al. 2018, ProGAN §4.1; used
/// throughout StyleGAN, Karras et al. 2019, and StyleGAN2, 2020). The weight is stored as
/// N(0, 1)/m and scaled on every use, so Adam's per-parameter step sizes act on the same scale
/// for every layer:
///
///     y = x·(c·W)ᵀ + m·b,    c = m/√in,
///
/// with the learning-rate multiplier m (0.01 in the mapping network). With `activates`, the
/// result goes through the fused bias + leaky ReLU, y = √2·LeakyReLU₀.₂(x·(c·W)ᵀ + m·b).
/// Parameter names are rosinality/stylegan2-pytorch's `EqualLinear`: `weight` `[out, in]`, `bias` `[out]`.
public struct EqualizedLinear: Module {
    public let scale: Float
    public let learningRateMultiplier: Float
    public let activates: Bool
    @Key("weight") public var weight: Parameter
    @Key("bias") public var bias: Parameter

    public init(inFeatures: Int, outFeatures: Int, biasInitialValue: Float = 0, learningRateMultiplier: Float = 1,
                activates: Bool = false, generator: inout SeededGenerator) {
        scale = learningRateMultiplier / Float(inFeatures).squareRoot()
        self.learningRateMultiplier = learningRateMultiplier
        self.activates = activates
        weight = Parameter(Tensor.randomNormal([outFeatures, inFeatures], generator: &generator) * (1 / learningRateMultiplier))
        bias = Parameter(Tensor(repeating: biasInitialValue, shape: [outFeatures]))
    }

    /// `[batch, in]` → `[batch, out]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        let scaledBias = bias.variable * learningRateMultiplier  // [out]
        if activates {
            let product = Variable.linear(input, weight: weight.variable * scale, bias: nil)  // [batch, out]
            return BiasedLeakyReLU.apply(product, bias: scaledBias)
        }
        return Variable.linear(input, weight: weight.variable * scale, bias: scaledBias)  // [batch, out]
    }
}
