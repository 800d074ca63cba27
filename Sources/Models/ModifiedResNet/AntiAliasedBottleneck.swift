import Autograd
import NN
import Tensor

/// The bottleneck block of OpenAI's modified ResNet (He et al. 2016, with the anti-aliased
/// downsampling of Zhang 2019 as Radford et al. 2021 use it): every convolution has stride 1 and a
/// stride-s block average-pools before its last 1×1 convolution and in its shortcut:
///
///     y = ReLU(BN₃(conv₃(AvgPool_s(ReLU(BN₂(conv₂(ReLU(BN₁(conv₁ x)))))))) + shortcut(x))
///     shortcut(x) = BN(conv₁ₓ₁(AvgPool_s x)) when the stride or width changes, else x
///
/// Parameter names: `conv1`, `bn1`, `conv2`, `bn2`, `conv3`, `bn3`, `downsample.0` (convolution),
/// `downsample.1` (batch norm).
public struct AntiAliasedBottleneck: Module {
    /// Output channels per `planes`.
    public static let expansion = 4

    public let stride: Int
    @Key("conv1") public var reduction: Conv2d
    @Key("bn1") public var reductionNorm: BatchNorm2d
    @Key("conv2") public var spatial: Conv2d
    @Key("bn2") public var spatialNorm: BatchNorm2d
    @Key("conv3") public var expansionConvolution: Conv2d
    @Key("bn3") public var expansionNorm: BatchNorm2d
    /// The projection shortcut after average pooling, present when the stride or width changes.
    @Key("downsample") public var shortcut: ProjectionShortcut?

    public init(inChannels: Int, planes: Int, stride: Int = 1) {
        let outChannels = planes * Self.expansion
        self.stride = stride
        reduction = Conv2d(inChannels: inChannels, outChannels: planes, kernelSize: 1, bias: false)
        reductionNorm = BatchNorm2d(channels: planes)
        spatial = Conv2d(inChannels: planes, outChannels: planes, kernelSize: 3, padding: 1, bias: false)
        spatialNorm = BatchNorm2d(channels: planes)
        expansionConvolution = Conv2d(inChannels: planes, outChannels: outChannels, kernelSize: 1, bias: false)
        expansionNorm = BatchNorm2d(channels: outChannels)
        shortcut = stride > 1 || inChannels != outChannels
            ? ProjectionShortcut(inputChannels: inChannels, outputChannels: outChannels) : nil
    }

    /// `[batch, inChannels, height, width]` → `[batch, 4·planes, height / stride, width / stride]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        var hidden = reductionNorm(reduction(input)).relu()  // [batch, planes, height, width]
        hidden = spatialNorm(spatial(hidden)).relu()  // [batch, planes, height, width]
        hidden = downsampled(hidden)  // [batch, planes, height / stride, width / stride]
        hidden = expansionNorm(expansionConvolution(hidden))  // [batch, 4·planes, height / stride, width / stride]
        let identity = shortcut.map { $0(downsampled(input)) } ?? input
        return (hidden + identity).relu()
    }

    private func downsampled(_ input: Variable) -> Variable {
        guard stride > 1 else { return input }
        return input.averagePool2d(geometry: Convolution2DGeometry(kernel: (stride, stride), stride: (stride, stride)))
    }
}
