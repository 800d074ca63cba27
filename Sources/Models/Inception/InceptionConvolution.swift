import Autograd
import NN
import Tensor

/// The convolution unit of TensorFlow's Inception-v3 as the FID TorchScript stores it
/// (`Conv2dLayer`): a convolution without bias, batch normalisation without a scale and ReLU,
///
///     y = relu((W ⋆ x − mean)/√(var + 0.001) + beta)
///
/// with keys `weight` `[out, in, kh, kw]`, `beta`, `mean`, `var` `[out]` (Szegedy et al. 2016,
/// "Rethinking the Inception Architecture for Computer Vision"; TensorFlow's BatchNorm has no γ
/// here and ε = 0.001).
public struct InceptionConvolution: Module {
    /// TensorFlow's batch-normalisation ε.
    public static let epsilon: Float = 0.001

    @Key("") public var convolution: Conv2d
    @Key("beta") public var beta: Parameter
    @Key("mean") public var mean: Parameter
    @Key("var") public var variance: Parameter

    /// A unit with zero weights; load weights before use.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: (height: Int, width: Int), stride: Int = 1,
                padding: (height: Int, width: Int) = (0, 0)) {
        convolution = Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: (stride, stride),
                             padding: padding, bias: false)
        beta = Parameter(Tensor(zeros: [outChannels]))
        mean = Parameter(buffer: Tensor(zeros: [outChannels]))
        variance = Parameter(buffer: Tensor(repeating: 1, shape: [outChannels]))
    }

    /// A square kernel with equal padding on every side.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: stride, padding: (padding, padding))
    }

    /// `[batch, in, height, width]` → `[batch, out, height′, width′]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        convolution(input)  // [batch, out, height′, width′]
            .batchNorm(runningMean: mean.value, runningVariance: variance.value, weight: nil, bias: beta.variable,
                       epsilon: Self.epsilon)
            .relu()
    }
}
