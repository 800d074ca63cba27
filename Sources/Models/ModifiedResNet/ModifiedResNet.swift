import Autograd
import NN
import Tensor

/// OpenAI's modified ResNet image tower (Radford et al. 2021, §2.4), a ResNet-D-style network
/// (He et al. 2019) with three changes from torchvision's ResNet:
///
/// - a stem of three 3×3 convolutions (the first with stride 2) and a 2×2 average pool instead of
///   one 7×7 convolution and a max pool;
/// - anti-aliased downsampling: strided blocks average-pool before their last convolution and in
///   their shortcut (`AntiAliasedBottleneck`);
/// - attention pooling instead of global average pooling (`AttentionPooling`).
///
/// Parameter names are OpenAI's: `conv1`–`conv3`, `bn1`–`bn3`, `layer1`–`layer4.<block>.…`,
/// `attnpool.…`.
public struct ModifiedResNet: Module {
    public let configuration: ModifiedResNetConfiguration
    @Key("conv1") public var stemConvolution1: Conv2d
    @Key("bn1") public var stemNorm1: BatchNorm2d
    @Key("conv2") public var stemConvolution2: Conv2d
    @Key("bn2") public var stemNorm2: BatchNorm2d
    @Key("conv3") public var stemConvolution3: Conv2d
    @Key("bn3") public var stemNorm3: BatchNorm2d
    @Key("layer", numberedFrom: 1) public var stages: [[AntiAliasedBottleneck]]
    @Key("attnpool") public var attentionPool: AttentionPooling

    public init(_ configuration: ModifiedResNetConfiguration) {
        self.configuration = configuration
        let width = configuration.width
        stemConvolution1 = Conv2d(inChannels: 3, outChannels: width / 2, kernelSize: 3, stride: 2, padding: 1, bias: false)
        stemNorm1 = BatchNorm2d(channels: width / 2)
        stemConvolution2 = Conv2d(inChannels: width / 2, outChannels: width / 2, kernelSize: 3, padding: 1, bias: false)
        stemNorm2 = BatchNorm2d(channels: width / 2)
        stemConvolution3 = Conv2d(inChannels: width / 2, outChannels: width, kernelSize: 3, padding: 1, bias: false)
        stemNorm3 = BatchNorm2d(channels: width)
        var channels = width
        stages = configuration.layers.enumerated().map { stage, blocks in
            let planes = width << stage
            return (0..<blocks).map { block in
                defer { channels = planes * AntiAliasedBottleneck.expansion }
                return AntiAliasedBottleneck(inChannels: channels, planes: planes, stride: block == 0 && stage > 0 ? 2 : 1)
            }
        }
        attentionPool = AttentionPooling(gridSize: configuration.gridSize, width: configuration.featureWidth,
                                         heads: configuration.heads, outputDimension: configuration.outputDimension)
    }

    /// The three stem convolutions with their batch norms.
    public var stem: [(convolution: Conv2d, norm: BatchNorm2d)] {
        [(stemConvolution1, stemNorm1), (stemConvolution2, stemNorm2), (stemConvolution3, stemNorm3)]
    }

    /// Normalised images `[batch, 3, imageSize, imageSize]` → embeddings `[batch, outputDimension]`
    /// (not L2-normalised).
    public func callAsFunction(_ images: Variable) -> Variable {
        let size = configuration.imageSize
        precondition(images.shape.count == 4 && Array(images.shape[1...]) == [3, size, size],
                     "ModifiedResNet expects [batch, 3, \(size), \(size)] images, got \(images.shape)")
        return attentionPool(features(images))  // [batch, outputDimension]
    }

    /// The last stage's feature map `[batch, width·32, imageSize/32, imageSize/32]`.
    public func features(_ images: Variable) -> Variable {
        var hidden = images
        for layer in stem { hidden = layer.norm(layer.convolution(hidden)).relu() }  // [batch, width, size/2, size/2]
        hidden = hidden.averagePool2d(geometry: Convolution2DGeometry(kernel: (2, 2), stride: (2, 2)))  // [batch, width, size/4, size/4]
        for stage in stages {
            for block in stage { hidden = block(hidden) }
        }
        return hidden  // [batch, width·32, size/32, size/32]
    }
}
