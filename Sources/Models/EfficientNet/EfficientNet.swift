import Autograd
import Foundation
import NN
import Tensor

/// EfficientNet-Lite image classifier (Tan & Le 2019, "EfficientNet: Rethinking Model Scaling for
/// Convolutional Neural Networks"; Lite variant: no squeeze-excitation, ReLU6, fixed stem and head):
///
///     x = act(BN(conv3×3,s2(image)))              stem, TensorFlow SAME padding
///     x = MBConvₙ(… MBConv₁(x))                   `MobileInvertedBottleneck` blocks
///     x = act(BN(conv1×1(x)))                     head, 1280 channels
///     f = mean over height and width of x         pooled features [batch, 1280]
///     logits = W·dropout(f) + b                   dropout is the identity at inference
///
/// Key names after the weight mapping: `conv_stem`, `bn0`, `blocks.<i>.…`, `conv_head`, `bn1`, `fc`
/// (the checkpoint's `_conv_stem`, `_blocks.<i>._bn0`, … without the leading underscores; see
/// `EfficientNetWeightMapping`).
public struct EfficientNet: Module {
    public let configuration: EfficientNetConfiguration
    @Key("conv_stem") public var stem: SamePaddingConv2d
    @Key("bn0") public var stemNormalization: BatchNorm2d
    @Key("blocks") public var blocks: [MobileInvertedBottleneck]
    @Key("conv_head") public var head: Conv2d
    @Key("bn1") public var headNormalization: BatchNorm2d
    /// The ImageNet classifier, absent when `configuration.classCount` is `nil`.
    @Key("fc") public var classifier: Linear?

    /// A model with zero weights and unit BatchNorm statistics; load weights before use.
    public init(configuration: EfficientNetConfiguration = .lite0) {
        self.configuration = configuration
        let epsilon = configuration.batchNormEpsilon
        var size = (height: configuration.imageSize, width: configuration.imageSize)
        func downsampled(_ size: (height: Int, width: Int), by stride: Int) -> (height: Int, width: Int) {
            ((size.height + stride - 1) / stride, (size.width + stride - 1) / stride)
        }
        let stemChannels = configuration.scaledStemChannels
        stem = SamePaddingConv2d(inChannels: 3, outChannels: stemChannels, kernelSize: 3, stride: 2,
                                 padding: configuration.padding, nominalInputSize: size)
        stemNormalization = BatchNorm2d(channels: stemChannels, epsilon: epsilon)
        size = downsampled(size, by: 2)
        var blocks: [MobileInvertedBottleneck] = []
        for block in configuration.blocks {
            blocks.append(MobileInvertedBottleneck(block, activation: configuration.activation, batchNormEpsilon: epsilon,
                                                   padding: configuration.padding, nominalInputSize: size))
            size = downsampled(size, by: block.stride)
        }
        self.blocks = blocks
        let lastChannels = blocks.last?.configuration.outputChannels ?? stemChannels
        head = Conv2d(inChannels: lastChannels, outChannels: configuration.featureChannels, kernelSize: 1, bias: false)
        headNormalization = BatchNorm2d(channels: configuration.featureChannels, epsilon: epsilon)
        classifier = configuration.classCount.map { Linear(inFeatures: configuration.featureChannels, outFeatures: $0) }
    }

    /// The head's activations: `[batch, 3, height, width]` → `[batch, 1280, ⌈height/32⌉, ⌈width/32⌉]`.
    public func featureMap(_ images: Variable) -> Variable {
        headFeatureMap(prefixFeatureMap(images, suffixBlocks: 0), suffixBlocks: 0)
    }

    /// The stem and every block but the last `suffixBlocks`: `[batch, 3, height, width]` →
    /// `[batch, C, h, w]`, the input of block `blocks.count − suffixBlocks` (of the head when 0).
    public func prefixFeatureMap(_ images: Variable, suffixBlocks: Int) -> Variable {
        precondition((0...blocks.count).contains(suffixBlocks), "a suffix of \(suffixBlocks) blocks in \(blocks.count)")
        var hidden = configuration.activation(stemNormalization(stem(images)))  // [batch, 32, ⌈height/2⌉, ⌈width/2⌉]
        for block in blocks[..<(blocks.count - suffixBlocks)] { hidden = block(hidden) }
        return hidden  // [batch, C, h, w]
    }

    /// The last `suffixBlocks` blocks and the head on a `prefixFeatureMap`: `[batch, C, h, w]` →
    /// `[batch, 1280, h′, w′]` (h′ = h unless a suffix block has stride 2).
    public func headFeatureMap(_ map: Variable, suffixBlocks: Int) -> Variable {
        precondition((0...blocks.count).contains(suffixBlocks), "a suffix of \(suffixBlocks) blocks in \(blocks.count)")
        var hidden = map
        for block in blocks[(blocks.count - suffixBlocks)...] { hidden = block(hidden) }
        return configuration.activation(headNormalization(head(hidden)))  // [batch, 1280, h′, w′]
    }

    /// Globally average-pooled head activations: `[batch, 3, height, width]` → `[batch, 1280]`.
    public func features(_ images: Variable) -> Variable {
        featureMap(images).globalAveragePool()
    }

    /// Class logits: `[batch, 3, height, width]` → `[batch, classCount]`.
    public func callAsFunction(_ images: Variable) -> Variable {
        guard let classifier else {
            preconditionFailure("this EfficientNet has no classifier (classCount is nil); use features(_:)")
        }
        return classifier(features(images))
    }

    /// Inference logits without recording gradients: `[batch, 3, height, width]` → `[batch, classCount]`.
    public func logits(_ images: Tensor) -> Tensor {
        inferImageByImage(images) { self($0) }
    }

    /// Inference class probabilities softmax(logits): `[batch, 3, height, width]` → `[batch, classCount]`,
    /// each row summing to 1.
    public func classProbabilities(_ images: Tensor) -> Tensor {
        logits(images).softmax()
    }

    /// Inference pooled features without recording gradients: `[batch, 3, height, width]` → `[batch, 1280]`.
    public func pooledFeatures(_ images: Tensor) -> Tensor {
        inferImageByImage(images) { features($0) }
    }
}
