import Autograd
import NN
import Tensor

/// The projection shortcut of a bottleneck block whose shape changes (He et al. 2016, "Deep
/// Residual Learning for Image Recognition", option B):
///
///     shortcut(x) = BN(conv1×1,s(x))
///
/// Key names are those of torchvision's and OpenAI's `downsample` `Sequential`: `0`
/// (convolution), `1` (BatchNorm); OpenAI's modified ResNet average-pools before it.
public struct ProjectionShortcut: Module {
    @Key("0") public var convolution: Conv2d
    @Key("1") public var normalization: BatchNorm2d

    public init(inputChannels: Int, outputChannels: Int, stride: Int = 1, batchNormEpsilon: Float = 1e-5) {
        convolution = Conv2d(inChannels: inputChannels, outChannels: outputChannels, kernelSize: 1, stride: stride, bias: false)
        normalization = BatchNorm2d(channels: outputChannels, epsilon: batchNormEpsilon)
    }

    /// The shortcut a residual block needs: a projection when the block changes the stride or
    /// the channel count, else nil (the identity).
    public static func ifNeeded(inputChannels: Int, outputChannels: Int, stride: Int, batchNormEpsilon: Float) -> ProjectionShortcut? {
        guard stride != 1 || inputChannels != outputChannels else { return nil }
        return ProjectionShortcut(inputChannels: inputChannels, outputChannels: outputChannels, stride: stride,
                                  batchNormEpsilon: batchNormEpsilon)
    }

    /// `[batch, inputChannels, height, width]` → `[batch, outputChannels, ⌈height/s⌉, ⌈width/s⌉]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        normalization(convolution(input))
    }
}
