import Autograd
import Tensor

/// Layer normalisation over the last axis (Ba, Kiros & Hinton 2016), PyTorch key names
/// `weight`, `bias`.
public struct LayerNorm: Module {
    public let epsilon: Float
    @Key("weight") public var weight: Parameter
    @Key("bias") public var bias: Parameter

    public init(width: Int, epsilon: Float = 1e-5) {
        self.epsilon = epsilon
        weight = Parameter(Tensor(repeating: 1, shape: [width]))
        bias = Parameter(Tensor(zeros: [width]))
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        input.layerNorm(weight: weight.variable, bias: bias.variable, epsilon: epsilon)
    }
}
