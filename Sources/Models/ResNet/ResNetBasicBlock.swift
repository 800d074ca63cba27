import Autograd
import NN
import Tensor

/// The basic residual block of the shallow residual networks (He et al. 2016, "Deep Residual
/// Learning for Image Recognition", Fig. 5 left; torchvision's `BasicBlock`, ResNet-18/34):
///
///     h = relu(BN₁(conv3×3,s(x)))               C → planes, padding 1
///     y = BN₂(conv3×3(h))                       planes → planes, padding 1
///     y = relu(y + shortcut(x))                 shortcut = BN(conv1×1,s(x)) when the shape changes, else x
///
/// Key names are torchvision's: `conv1`, `bn1`, `conv2`, `bn2`, `downsample.0` (convolution),
/// `downsample.1` (BatchNorm).
public struct ResNetBasicBlock: Module {
    @Key("conv1") public var convolution1: Conv2d
    @Key("bn1") public var normalization1: BatchNorm2d
    @Key("conv2") public var convolution2: Conv2d
    @Key("bn2") public var normalization2: BatchNorm2d
    /// The projection shortcut, present when the stride is not 1 or the channel count changes.
    @Key("downsample") public var downsample: ProjectionShortcut?

    public init(inputChannels: Int, outputChannels: Int, stride: Int, batchNormEpsilon: Float) {
        convolution1 = Conv2d(inChannels: inputChannels, outChannels: outputChannels, kernelSize: 3, stride: stride, padding: 1,
                              bias: false)
        normalization1 = BatchNorm2d(channels: outputChannels, epsilon: batchNormEpsilon)
        convolution2 = Conv2d(inChannels: outputChannels, outChannels: outputChannels, kernelSize: 3, padding: 1, bias: false)
        normalization2 = BatchNorm2d(channels: outputChannels, epsilon: batchNormEpsilon)
        downsample = ProjectionShortcut.ifNeeded(inputChannels: inputChannels, outputChannels: outputChannels, stride: stride,
                                                 batchNormEpsilon: batchNormEpsilon)
    }

    /// `[batch, inputChannels, height, width]` → `[batch, outputChannels, ⌈height/s⌉, ⌈width/s⌉]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        let hidden = normalization1(convolution1(input), rectified: true)  // [batch, outputChannels, height′, width′]
        let output = normalization2(convolution2(hidden))          // [batch, outputChannels, height′, width′]
        let shortcut = downsample.map { $0(input) } ?? input
        return (output + shortcut).relu()
    }
}
