import Imaging
import NN

/// Hyper-parameters of an EfficientNet-Lite image classifier (Tan & Le 2019, "EfficientNet:
/// Rethinking Model Scaling for Convolutional Neural Networks"; the Lite variants of the TensorFlow
/// TPU repository drop squeeze-excitation, use ReLU6 and keep stem and head at 32 and 1280 channels).
///
/// Compound scaling: every stage's channels c become round₈(c · widthMultiplier) and its repeats
/// r become ⌈r · depthMultiplier⌉; with `fixedStemAndHead` the first and last stages keep their
/// repeats and the stem/head keep their widths. Coding keys are the reference's `GlobalParams`
/// fields (`efficientnet_lite_pytorch`, the port that produced the published PyTorch weights).
public struct EfficientNetConfiguration: Codable, Sendable, Equatable {
    /// Channel multiplier (`width_coefficient`).
    public var widthMultiplier: Double
    /// Repeat multiplier (`depth_coefficient`).
    public var depthMultiplier: Double
    /// Nominal input resolution; `.fixed` padding is computed for it.
    public var imageSize: Int
    /// Dropout before the classifier during training (inference ignores it).
    public var dropoutRate: Double
    /// Stochastic-depth rate of the shortcut blocks during training (inference ignores it).
    public var dropConnectRate: Double
    /// Classifier outputs, or `nil` (absent when decoding) for a headless feature extractor.
    public var classCount: Int?
    /// TensorFlow's moving-average decay of the BatchNorm statistics (PyTorch momentum = 1 − this);
    /// used only in training.
    public var batchNormMomentum: Float
    /// ε of every BatchNorm: y = (x − mean)/√(var + ε)·γ + β.
    public var batchNormEpsilon: Float
    /// Scaled channel counts are rounded to multiples of this.
    public var channelDivisor: Int
    /// Lower bound of a scaled channel count (`nil`: `channelDivisor`).
    public var minimumChannels: Int?
    /// The activation after every normalisation except the projections' (`relu_fn`).
    public var activation: Activation
    /// Keeps the stem and head widths and the first and last stages' repeats unscaled.
    public var fixedStemAndHead: Bool
    /// Output channels of the stem convolution before scaling.
    public var stemChannels: Int
    /// Output channels of the head convolution before scaling (the pooled feature size).
    public var headChannels: Int
    /// The unscaled block table.
    public var stages: [EfficientNetStage]
    /// How the stem and depthwise convolutions pad.
    public var padding: SamePaddingMode
    /// The image preprocessing the weights were trained with.
    public var preprocessing: Preprocessing

    enum CodingKeys: String, CodingKey {
        case widthMultiplier = "width_coefficient"
        case depthMultiplier = "depth_coefficient"
        case imageSize = "image_size"
        case dropoutRate = "dropout_rate"
        case dropConnectRate = "drop_connect_rate"
        case classCount = "num_classes"
        case batchNormMomentum = "batch_norm_momentum"
        case batchNormEpsilon = "batch_norm_epsilon"
        case channelDivisor = "depth_divisor"
        case minimumChannels = "min_depth"
        case activation = "relu_fn"
        case fixedStemAndHead = "fix_head_stem"
        case stemChannels = "stem_channels"
        case headChannels = "head_channels"
        case stages = "blocks_args"
        case padding
        case preprocessing
    }

    public init(widthMultiplier: Double, depthMultiplier: Double, imageSize: Int, dropoutRate: Double,
                dropConnectRate: Double = 0.2, classCount: Int? = 1000, batchNormMomentum: Float = 0.99,
                batchNormEpsilon: Float = 1e-3, channelDivisor: Int = 8, minimumChannels: Int? = nil,
                activation: Activation = .relu6, fixedStemAndHead: Bool = true, stemChannels: Int = 32,
                headChannels: Int = 1280, stages: [EfficientNetStage] = EfficientNetStage.baseline,
                padding: SamePaddingMode = .fixed, preprocessing: Preprocessing? = nil) {
        self.widthMultiplier = widthMultiplier
        self.depthMultiplier = depthMultiplier
        self.imageSize = imageSize
        self.dropoutRate = dropoutRate
        self.dropConnectRate = dropConnectRate
        self.classCount = classCount
        self.batchNormMomentum = batchNormMomentum
        self.batchNormEpsilon = batchNormEpsilon
        self.channelDivisor = channelDivisor
        self.minimumChannels = minimumChannels
        self.activation = activation
        self.fixedStemAndHead = fixedStemAndHead
        self.stemChannels = stemChannels
        self.headChannels = headChannels
        self.stages = stages
        self.padding = padding
        self.preprocessing = preprocessing ?? .efficientNetLite(imageSize: imageSize)
    }

    /// Decodes the reference's `GlobalParams` fields; what it does not have (stem and head
    /// widths, block table, padding, preprocessing) and the fields the reference fills in for every
    /// Lite model default to Lite's values.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let imageSize = try container.decode(Int.self, forKey: .imageSize)
        guard imageSize > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .imageSize, in: container,
                                                   debugDescription: "image_size must be positive, got \(imageSize)")
        }
        let stages = try container.decodeIfPresent([EfficientNetStage].self, forKey: .stages) ?? EfficientNetStage.baseline
        guard !stages.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .stages, in: container, debugDescription: "blocks_args is empty")
        }
        self.init(
            widthMultiplier: try container.decode(Double.self, forKey: .widthMultiplier),
            depthMultiplier: try container.decode(Double.self, forKey: .depthMultiplier),
            imageSize: imageSize,
            dropoutRate: try container.decodeIfPresent(Double.self, forKey: .dropoutRate) ?? 0.2,
            dropConnectRate: try container.decodeIfPresent(Double.self, forKey: .dropConnectRate) ?? 0.2,
            classCount: try container.decodeIfPresent(Int.self, forKey: .classCount),
            batchNormMomentum: try container.decodeIfPresent(Float.self, forKey: .batchNormMomentum) ?? 0.99,
            batchNormEpsilon: try container.decodeIfPresent(Float.self, forKey: .batchNormEpsilon) ?? 1e-3,
            channelDivisor: try container.decodeIfPresent(Int.self, forKey: .channelDivisor) ?? 8,
            minimumChannels: try container.decodeIfPresent(Int.self, forKey: .minimumChannels),
            activation: try container.decodeIfPresent(Activation.self, forKey: .activation) ?? .relu6,
            fixedStemAndHead: try container.decodeIfPresent(Bool.self, forKey: .fixedStemAndHead) ?? true,
            stemChannels: try container.decodeIfPresent(Int.self, forKey: .stemChannels) ?? 32,
            headChannels: try container.decodeIfPresent(Int.self, forKey: .headChannels) ?? 1280,
            stages: stages,
            padding: try container.decodeIfPresent(SamePaddingMode.self, forKey: .padding) ?? .fixed,
            preprocessing: try container.decodeIfPresent(Preprocessing.self, forKey: .preprocessing))
    }

    // MARK: Presets (width, depth, resolution, dropout of the TensorFlow Lite builder)

    /// EfficientNet-Lite0: 1.0 width, 1.0 depth, 224 pixels, dropout 0.2 (4.7 M parameters).
    public static let lite0 = EfficientNetConfiguration(widthMultiplier: 1.0, depthMultiplier: 1.0, imageSize: 224, dropoutRate: 0.2)
    /// EfficientNet-Lite1: 1.0 width, 1.1 depth, 240 pixels, dropout 0.2.
    public static let lite1 = EfficientNetConfiguration(widthMultiplier: 1.0, depthMultiplier: 1.1, imageSize: 240, dropoutRate: 0.2)
    /// EfficientNet-Lite2: 1.1 width, 1.2 depth, 260 pixels, dropout 0.3.
    public static let lite2 = EfficientNetConfiguration(widthMultiplier: 1.1, depthMultiplier: 1.2, imageSize: 260, dropoutRate: 0.3)
    /// EfficientNet-Lite3: 1.2 width, 1.4 depth, 280 pixels, dropout 0.3.
    public static let lite3 = EfficientNetConfiguration(widthMultiplier: 1.2, depthMultiplier: 1.4, imageSize: 280, dropoutRate: 0.3)
    /// EfficientNet-Lite4: 1.4 width, 1.8 depth, 300 pixels, dropout 0.3.
    public static let lite4 = EfficientNetConfiguration(widthMultiplier: 1.4, depthMultiplier: 1.8, imageSize: 300, dropoutRate: 0.3)

    /// The presets by their reference names (`efficientnet-lite0` … `efficientnet-lite4`).
    public static let presets: [String: EfficientNetConfiguration] = [
        "efficientnet-lite0": lite0, "efficientnet-lite1": lite1, "efficientnet-lite2": lite2,
        "efficientnet-lite3": lite3, "efficientnet-lite4": lite4,
    ]

    // MARK: Scaling rules

    /// round₈(c · w): c·w rounded to the nearest multiple of `channelDivisor` (halves up), at least
    /// `minimumChannels`, and bumped by one divisor if rounding lost more than 10 %.
    public func scaledChannels(_ channels: Int) -> Int {
        let scaled = Double(channels) * widthMultiplier
        let divisor = Double(channelDivisor)
        let lowerBound = Double(minimumChannels ?? channelDivisor)
        var rounded = max(lowerBound, ((scaled + divisor / 2) / divisor).rounded(.down) * divisor)
        if rounded < 0.9 * scaled { rounded += divisor }
        return Int(rounded)
    }

    /// ⌈r · d⌉.
    public func scaledRepeats(_ repeats: Int) -> Int {
        Int((depthMultiplier * Double(repeats)).rounded(.up))
    }

    /// Output channels of the stem convolution.
    public var scaledStemChannels: Int { fixedStemAndHead ? stemChannels : scaledChannels(stemChannels) }

    /// Output channels of the head convolution: the size of the pooled features.
    public var featureChannels: Int { fixedStemAndHead ? headChannels : scaledChannels(headChannels) }

    /// Every block in order, after scaling: a stage's first block strides and changes width, its
    /// repeats keep both. The first stage reads the stem's output.
    public var blocks: [MobileInvertedBottleneckConfiguration] {
        var result: [MobileInvertedBottleneckConfiguration] = []
        for (index, stage) in stages.enumerated() {
            let isEnd = index == 0 || index == stages.count - 1
            let repeats = fixedStemAndHead && isEnd ? stage.repeats : scaledRepeats(stage.repeats)
            let input = index == 0 ? scaledStemChannels : scaledChannels(stage.inputChannels)
            let output = scaledChannels(stage.outputChannels)
            for repeatIndex in 0..<repeats {
                result.append(MobileInvertedBottleneckConfiguration(
                    inputChannels: repeatIndex == 0 ? input : output, outputChannels: output,
                    expansionRatio: stage.expansionRatio, kernelSize: stage.kernelSize,
                    stride: repeatIndex == 0 ? stage.stride : 1))
            }
        }
        return result
    }
}
