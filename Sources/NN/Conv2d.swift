import Autograd
import Tensor

/// 2-D convolution with PyTorch's layout: `weight` `[outChannels, inChannels/groups, kh, kw]`,
/// optional `bias` `[outChannels]`.
public struct Conv2d: Module {
    public let geometry: Convolution2DGeometry
    public let groups: Int
    @Key("weight") public var weight: Parameter
    @Key("bias") public var bias: Parameter?

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0, "channels must divide into \(groups) groups")
        geometry = Convolution2DGeometry(kernel: (kernelSize, kernelSize), stride: (stride, stride),
                                         padding: (padding, padding), dilation: (dilation, dilation))
        self.groups = groups
        weight = Parameter(Tensor(zeros: [outChannels, inChannels / groups, kernelSize, kernelSize]))
        self.bias = bias ? Parameter(Tensor(zeros: [outChannels])) : nil
    }

    /// A convolution with a rectangular kernel, stride and padding, each `(height, width)`
    /// (Inception's factorised 1×7 and 7×1 convolutions).
    public init(inChannels: Int, outChannels: Int, kernel: (height: Int, width: Int), stride: (height: Int, width: Int) = (1, 1),
                padding: (height: Int, width: Int) = (0, 0), groups: Int = 1, bias: Bool = true) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0, "channels must divide into \(groups) groups")
        geometry = Convolution2DGeometry(kernel: (kernel.height, kernel.width), stride: (stride.height, stride.width),
                                         padding: (padding.height, padding.width))
        self.groups = groups
        weight = Parameter(Tensor(zeros: [outChannels, inChannels / groups, kernel.height, kernel.width]))
        self.bias = bias ? Parameter(Tensor(zeros: [outChannels])) : nil
    }

    /// `[batch, inChannels, height, width]` → `[batch, outChannels, height′, width′]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.conv2d(input, weight: weight.variable, bias: bias?.variable, geometry: geometry, groups: groups)
    }
}
