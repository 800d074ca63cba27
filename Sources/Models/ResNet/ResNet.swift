import Autograd
import Foundation
import NN
import Tensor

/// A residual network (basic blocks or bottlenecks) with torchvision's structure and key names (He et al. 2016,
/// "Deep Residual Learning for Image Recognition"; ResNet-50 is the Siamese fashion network's
/// backbone):
///
///     x = maxpool3×3,s2(relu(BN(conv7×7,s2(image))))     `conv1`, `bn1`
///     x = layer4(layer3(layer2(layer1(x))))               `ResNetBlock`s, `layer<s>.<i>.…`
///     f = mean over height and width of x                 pooled features [batch, 2048]
///     logits = W·f + b                                    `fc`, optional
public struct ResNet: Module {
    public let configuration: ResNetConfiguration
    @Key("conv1") public var stem: Conv2d
    @Key("bn1") public var stemNormalization: BatchNorm2d
    /// The stages (`layer1` … `layer4`), each a list of residual blocks.
    @Key("layer", numberedFrom: 1) public var stages: [[ResNetBlock]]
    /// The classifier, absent when `configuration.classCount` is `nil`.
    @Key("fc") public var classifier: Linear?

    /// 3×3 max pooling with stride 2 and padding 1 after the stem.
    static let stemPooling = Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1))

    /// A model with zero weights and unit BatchNorm statistics; load weights before use.
    public init(configuration: ResNetConfiguration = .resnet50) {
        self.configuration = configuration
        let epsilon = configuration.batchNormEpsilon
        stem = Conv2d(inChannels: 3, outChannels: configuration.stemWidth, kernelSize: 7, stride: 2, padding: 3, bias: false)
        stemNormalization = BatchNorm2d(channels: configuration.stemWidth, epsilon: epsilon)
        var channels = configuration.stemWidth
        var stages: [[ResNetBlock]] = []
        for (stage, count) in configuration.layers.enumerated() {
            let output = configuration.outputChannels(stage: stage)
            stages.append((0..<count).map { index -> ResNetBlock in
                let input = index == 0 ? channels : output, stride = index == 0 && stage > 0 ? 2 : 1
                switch configuration.block {
                case .basic:
                    return .basic(ResNetBasicBlock(inputChannels: input, outputChannels: output, stride: stride,
                                                   batchNormEpsilon: epsilon))
                case .bottleneck:
                    return .bottleneck(ResNetBottleneck(inputChannels: input, innerWidth: configuration.innerWidth(stage: stage),
                                                        outputChannels: output, stride: stride, groups: configuration.groups,
                                                        batchNormEpsilon: epsilon))
                }
            })
            channels = output
        }
        self.stages = stages
        classifier = configuration.classCount.map { Linear(inFeatures: configuration.featureChannels, outFeatures: $0) }
    }

    /// The last stage's activations: `[batch, 3, height, width]` → `[batch, 2048, height/32, width/32]`.
    public func featureMap(_ images: Variable) -> Variable {
        var hidden = stemNormalization(stem(images), rectified: true).maxPool2d(geometry: Self.stemPooling)  // [batch, 64, height/4, width/4]
        for stage in stages {
            for block in stage { hidden = block(hidden) }
        }
        return hidden  // [batch, 2048, height/32, width/32]
    }

    /// Globally average-pooled features: `[batch, 3, height, width]` → `[batch, 2048]`.
    public func features(_ images: Variable) -> Variable {
        featureMap(images).globalAveragePool()
    }

    /// Class logits: `[batch, 3, height, width]` → `[batch, classCount]`.
    public func callAsFunction(_ images: Variable) -> Variable {
        guard let classifier else {
            preconditionFailure("this ResNet has no classifier (classCount is nil); use features(_:)")
        }
        return classifier(features(images))
    }

    /// Inference logits without recording gradients: `[batch, 3, height, width]` → `[batch, classCount]`.
    public func logits(_ images: Tensor) -> Tensor {
        inferImageByImage(images) { self($0) }
    }

    /// Inference pooled features without recording gradients: `[batch, 3, height, width]` → `[batch, 2048]`.
    public func pooledFeatures(_ images: Tensor) -> Tensor {
        inferImageByImage(images) { features($0) }
    }
}
