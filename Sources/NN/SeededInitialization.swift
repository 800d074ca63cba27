import Tensor

extension Conv2d {
    /// PyTorch's default initialisation (Kaiming-uniform with a = √5): weight and bias drawn from
    /// U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups · kernelSize², from a seeded generator.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: inout SeededGenerator) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                  padding: padding, dilation: dilation, groups: groups, bias: bias)
        let bound = 1 / Float(inChannels / groups * kernelSize * kernelSize).squareRoot()
        weight.value = Tensor.randomUniform(weight.value.shape, lower: -bound, upper: bound, generator: &generator)
        if let parameter = self.bias {
            parameter.value = Tensor.randomUniform(parameter.value.shape, lower: -bound, upper: bound, generator: &generator)
        }
    }
}
