import Autograd
import NN
import Tensor

/// Mobile inverted bottleneck without squeeze-excitation (MBConv; Sandler et al. 2018,
/// "MobileNetV2: Inverted Residuals and Linear Bottlenecks"; EfficientNet-Lite's block):
///
///     h = act(BN₀(W_expand · x))          1×1, C → C·e (skipped when e = 1)
///     h = act(BN₁(depthwise_k×k,s(h)))    TensorFlow SAME padding
///     y = BN₂(W_project · h)              1×1, C·e → C′, linear
///     y = y + x                           when s = 1 and C = C′
///
/// Key names after the weight mapping: `expand_conv`, `bn0`, `depthwise_conv`, `bn1`,
/// `project_conv`, `bn2`.
public struct MobileInvertedBottleneck: Module {
    public let configuration: MobileInvertedBottleneckConfiguration
    public let activation: Activation
    @Key("expand_conv") public var expansion: Conv2d?
    @Key("bn0") public var expansionNormalization: BatchNorm2d?
    @Key("depthwise_conv") public var depthwise: SamePaddingConv2d
    @Key("bn1") public var depthwiseNormalization: BatchNorm2d
    @Key("project_conv") public var projection: Conv2d
    @Key("bn2") public var projectionNormalization: BatchNorm2d

    /// - Parameter nominalInputSize: the input resolution `.fixed` padding is computed for.
    public init(_ configuration: MobileInvertedBottleneckConfiguration, activation: Activation,
                batchNormEpsilon: Float, padding: SamePaddingMode, nominalInputSize: (height: Int, width: Int)) {
        self.configuration = configuration
        self.activation = activation
        let expanded = configuration.expandedChannels
        if configuration.expands {
            expansion = Conv2d(inChannels: configuration.inputChannels, outChannels: expanded, kernelSize: 1, bias: false)
            expansionNormalization = BatchNorm2d(channels: expanded, epsilon: batchNormEpsilon)
        } else {
            expansion = nil
            expansionNormalization = nil
        }
        depthwise = SamePaddingConv2d(inChannels: expanded, outChannels: expanded, kernelSize: configuration.kernelSize,
                                      stride: configuration.stride, groups: expanded, padding: padding,
                                      nominalInputSize: nominalInputSize)
        depthwiseNormalization = BatchNorm2d(channels: expanded, epsilon: batchNormEpsilon)
        projection = Conv2d(inChannels: expanded, outChannels: configuration.outputChannels, kernelSize: 1, bias: false)
        projectionNormalization = BatchNorm2d(channels: configuration.outputChannels, epsilon: batchNormEpsilon)
    }

    /// `[batch, inputChannels, height, width]` → `[batch, outputChannels, ⌈height/s⌉, ⌈width/s⌉]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        var hidden = input
        if let expansion, let expansionNormalization {
            hidden = activation(expansionNormalization(expansion(hidden)))  // [batch, C·e, height, width]
        }
        hidden = activation(depthwiseNormalization(depthwise(hidden)))      // [batch, C·e, height′, width′]
        let output = projectionNormalization(projection(hidden))            // [batch, C′, height′, width′]
        return configuration.hasShortcut ? output + input : output
    }
}
