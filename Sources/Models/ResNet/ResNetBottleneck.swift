import Autograd
import NN
import Tensor

/// The bottleneck residual block (He et al. 2016, "Deep Residual Learning for Image Recognition",
/// Fig. 5), torchvision's form with the stride on the 3×3 convolution:
///
///     h = relu(BN₁(conv1×1(x)))                 C → innerWidth
///     h = relu(BN₂(conv3×3,s,groups(h)))        padding 1
///     y = BN₃(conv1×1(h))                       innerWidth → planes·4
///     y = relu(y + shortcut(x))                 shortcut = BN(conv1×1,s(x)) when the shape changes, else x
///
/// Key names are torchvision's: `conv1`, `bn1`, `conv2`, `bn2`, `conv3`, `bn3`, `downsample.0`
/// (convolution), `downsample.1` (BatchNorm).
public struct ResNetBottleneck: Module {
    @Key("conv1") public var convolution1: Conv2d
    @Key("bn1") public var normalization1: BatchNorm2d
    @Key("conv2") public var convolution2: Conv2d
    @Key("bn2") public var normalization2: BatchNorm2d
    @Key("conv3") public var convolution3: Conv2d
    @Key("bn3") public var normalization3: BatchNorm2d
    /// The projection shortcut, present when the stride is not 1 or the channel count changes.
    @Key("downsample") public var downsample: ProjectionShortcut?

    public init(inputChannels: Int, innerWidth: Int, outputChannels: Int, stride: Int, groups: Int, batchNormEpsilon: Float) {
        convolution1 = Conv2d(inChannels: inputChannels, outChannels: innerWidth, kernelSize: 1, bias: false)
        normalization1 = BatchNorm2d(channels: innerWidth, epsilon: batchNormEpsilon)
        convolution2 = Conv2d(inChannels: innerWidth, outChannels: innerWidth, kernelSize: 3, stride: stride, padding: 1,
                              groups: groups, bias: false)
        normalization2 = BatchNorm2d(channels: innerWidth, epsilon: batchNormEpsilon)
        convolution3 = Conv2d(inChannels: innerWidth, outChannels: outputChannels, kernelSize: 1, bias: false)
        normalization3 = BatchNorm2d(channels: outputChannels, epsilon: batchNormEpsilon)
        downsample = ProjectionShortcut.ifNeeded(inputChannels: inputChannels, outputChannels: outputChannels, stride: stride,
                                                 batchNormEpsilon: batchNormEpsilon)
    }

    /// `[batch, inputChannels, height, width]` → `[batch, outputChannels, ⌈height/s⌉, ⌈width/s⌉]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        var hidden = normalization1(convolution1(input), rectified: true)  // [batch, innerWidth, height, width]
        hidden = normalization2(convolution2(hidden), rectified: true)     // [batch, innerWidth, height′, width′]
        let output = normalization3(convolution3(hidden))          // [batch, outputChannels, height′, width′]
        let shortcut = downsample.map { $0(input) } ?? input
        return (output + shortcut).relu()
    }
}
