import NN
import Tensor

/// PyTorch's default initialisation for a network built with zero weights: every `Conv2d` and
/// `Linear` weight and bias drawn from U(−1/√fan_in, 1/√fan_in) (Kaiming-uniform with a = √5, what
/// diffusers' models get when constructed), norms left at γ = 1, β = 0, in declaration order from
/// one seeded generator.
public enum DiffusionInitialization {
    public static func initialize(_ model: any Module, generator: inout SeededGenerator) {
        for (_, module) in model.namedModules {
            if let convolution = module as? Conv2d {
                let shape = convolution.weight.value.shape
                fill(convolution.weight, convolution.bias, fanIn: shape[1] * shape[2] * shape[3], generator: &generator)
            } else if let linear = module as? Linear {
                fill(linear.weight, linear.bias, fanIn: linear.inFeatures, generator: &generator)
            }
        }
    }

    private static func fill(_ weight: Parameter, _ bias: Parameter?, fanIn: Int, generator: inout SeededGenerator) {
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        weight.value = Tensor.randomUniform(weight.value.shape, lower: -bound, upper: bound, generator: &generator)
        if let bias { bias.value = Tensor.randomUniform(bias.value.shape, lower: -bound, upper: bound, generator: &generator) }
    }
}
