import Autograd
import Tensor

/// y = x·Wᵀ + b with PyTorch's layout: `weight` `[outFeatures, inFeatures]`, `bias` `[outFeatures]`.
public struct Linear: Module {
    @Key("weight") public var weight: Parameter
    @Key("bias") public var bias: Parameter?

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true) {
        weight = Parameter(Tensor(zeros: [outFeatures, inFeatures]))
        self.bias = bias ? Parameter(Tensor(zeros: [outFeatures])) : nil
    }

    /// PyTorch's default initialisation: U(−1/√in, 1/√in) for weight and bias.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, generator: inout SeededGenerator) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Parameter(Tensor.randomUniform([outFeatures, inFeatures], lower: -bound, upper: bound, generator: &generator))
        self.bias = bias ? Parameter(Tensor.randomUniform([outFeatures], lower: -bound, upper: bound, generator: &generator)) : nil
    }

    public var inFeatures: Int { weight.value.shape[1] }
    public var outFeatures: Int { weight.value.shape[0] }

    /// `[…, inFeatures]` → `[…, outFeatures]`. Without a tape, a weight converted for reduced-precision
    /// inference (`Module.setInferencePrecision(_:)`) multiplies through its bf16 or int8 copy.
    public func callAsFunction(_ input: Variable) -> Variable {
        if GradientMode.isDisabled, weight.inferenceCopy != nil {
            return Variable(weight.inferenceLinear(input.value, bias: bias?.value))
        }
        return Variable.linear(input, weight: weight.variable, bias: bias?.variable)
    }
}
