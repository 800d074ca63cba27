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
public struct ResNetBottleneck: ParameterGroup {
    public let convolution1: Conv2d
    public let normalization1: BatchNorm2d
    public let convolution2: Conv2d
    public let normalization2: BatchNorm2d
    public let convolution3: Conv2d
    public let normalization3: BatchNorm2d
    /// The projection shortcut, present when the stride is not 1 or the channel count changes.
    public let downsample: (convolution: Conv2d, normalization: BatchNorm2d)?

    public init(inputChannels: Int, innerWidth: Int, outputChannels: Int, stride: Int, groups: Int, batchNormEpsilon: Float) {
        convolution1 = Conv2d(inChannels: inputChannels, outChannels: innerWidth, kernelSize: 1, bias: false)
        normalization1 = BatchNorm2d(channels: innerWidth, epsilon: batchNormEpsilon)
        convolution2 = Conv2d(inChannels: innerWidth, outChannels: innerWidth, kernelSize: 3, stride: stride, padding: 1,
                              groups: groups, bias: false)
        normalization2 = BatchNorm2d(channels: innerWidth, epsilon: batchNormEpsilon)
        convolution3 = Conv2d(inChannels: innerWidth, outChannels: outputChannels, kernelSize: 1, bias: false)
        normalization3 = BatchNorm2d(channels: outputChannels, epsilon: batchNormEpsilon)
        if stride != 1 || inputChannels != outputChannels {
            downsample = (Conv2d(inChannels: inputChannels, outChannels: outputChannels, kernelSize: 1, stride: stride, bias: false),
                          BatchNorm2d(channels: outputChannels, epsilon: batchNormEpsilon))
        } else {
            downsample = nil
        }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        nested("conv1", convolution1) + nested("bn1", normalization1)
            + nested("conv2", convolution2) + nested("bn2", normalization2)
            + nested("conv3", convolution3) + nested("bn3", normalization3)
            + nested("downsample.0", downsample?.convolution) + nested("downsample.1", downsample?.normalization)
    }

    /// `[batch, inputChannels, height, width]` → `[batch, outputChannels, ⌈height/s⌉, ⌈width/s⌉]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        var hidden = normalization1(convolution1(input)).relu()    // [batch, innerWidth, height, width]
        hidden = normalization2(convolution2(hidden)).relu()       // [batch, innerWidth, height′, width′]
        let output = normalization3(convolution3(hidden))          // [batch, outputChannels, height′, width′]
        let shortcut = downsample.map { $0.normalization($0.convolution(input)) } ?? input
        return (output + shortcut).relu()
    }
}
