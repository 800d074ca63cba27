import Autograd
import Tensor

/// 2-D convolution with PyTorch's layout: `weight` `[outChannels, inChannels/groups, kh, kw]`,
/// optional `bias` `[outChannels]`.
public struct Conv2d: ParameterGroup {
    public let weight: Parameter
    public let bias: Parameter?
    public let geometry: Convolution2DGeometry
    public let groups: Int

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0, "channels must divide into \(groups) groups")
        weight = Parameter(Tensor(zeros: [outChannels, inChannels / groups, kernelSize, kernelSize]))
        self.bias = bias ? Parameter(Tensor(zeros: [outChannels])) : nil
        geometry = Convolution2DGeometry(kernel: (kernelSize, kernelSize), stride: (stride, stride),
                                         padding: (padding, padding), dilation: (dilation, dilation))
        self.groups = groups
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// `[batch, inChannels, height, width]` → `[batch, outChannels, height′, width′]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.conv2d(input, weight: weight.variable, bias: bias?.variable, geometry: geometry, groups: groups)
    }
}

/// Batch normalisation over channels with running statistics (inference form; Ioffe & Szegedy
/// 2015). Key names `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`.
public struct BatchNorm2d: ParameterGroup {
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    public let batchesTracked: Parameter
    public let epsilon: Float

    public init(channels: Int, epsilon: Float = 1e-5) {
        weight = Parameter(Tensor(repeating: 1, shape: [channels]))
        bias = Parameter(Tensor(zeros: [channels]))
        runningMean = Parameter(Tensor(zeros: [channels]), isTrainable: false)
        runningVariance = Parameter(Tensor(repeating: 1, shape: [channels]), isTrainable: false)
        batchesTracked = Parameter(Tensor(zeros: []), isTrainable: false)
        self.epsilon = epsilon
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVariance),
         ("num_batches_tracked", batchesTracked)]
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        input.batchNorm(runningMean: runningMean.value, runningVariance: runningVariance.value,
                        weight: weight.variable, bias: bias.variable, epsilon: epsilon)
    }
}
