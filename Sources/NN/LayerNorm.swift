import Autograd
import Tensor

/// Layer normalisation over the last axis (Ba, Kiros & Hinton 2016), PyTorch key names
/// `weight`, `bias`.
public struct LayerNorm: ParameterGroup {
    public let weight: Parameter
    public let bias: Parameter
    public let epsilon: Float

    public init(width: Int, epsilon: Float = 1e-5) {
        weight = Parameter(Tensor(repeating: 1, shape: [width]))
        bias = Parameter(Tensor(zeros: [width]))
        self.epsilon = epsilon
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ input: Variable) -> Variable {
        input.layerNorm(weight: weight.variable, bias: bias.variable, epsilon: epsilon)
    }
}
