import Autograd
import Foundation
import Models
import NN
import Tensor

/// A small VGG-style CNN for low-resolution images (28×28 Fashion-MNIST on a CPU): stages of
/// 3×3 convolution → batch normalisation → ReLU, 2×2 max pooling between stages, global average
/// pooling at the end (Simonyan & Zisserman 2015 for the stage pattern; Ioffe & Szegedy 2015 for
/// the normalisation). Keys `stages.<i>.convolution.weight`, `stages.<i>.normalization.*`.
public struct SmallConvolutionalNetwork: ImageEncoder {
    /// The architecture as data.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Input channels (1 for grey images, 3 for RGB).
        public var inputChannels: Int
        /// Output channels of each stage; the feature width is the last one.
        public var channels: [Int]
        /// Batch normalisation after each convolution (otherwise the convolution has a bias).
        public var batchNormalization: Bool

        public init(inputChannels: Int = 1, channels: [Int] = [16, 32, 64], batchNormalization: Bool = true) {
            self.inputChannels = inputChannels
            self.channels = channels
            self.batchNormalization = batchNormalization
        }

        enum CodingKeys: String, CodingKey {
            case inputChannels = "input_channels", channels, batchNormalization = "batch_normalization"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Configuration()
            inputChannels = try container.decodeIfPresent(Int.self, forKey: .inputChannels) ?? defaults.inputChannels
            channels = try container.decodeIfPresent([Int].self, forKey: .channels) ?? defaults.channels
            batchNormalization = try container.decodeIfPresent(Bool.self, forKey: .batchNormalization) ?? defaults.batchNormalization
        }

        /// Three stages of 16, 32, 64 channels for 28×28 grey images (28 → 14 → 7 → pooled): about
        /// 1.9 M multiply-adds per image, small enough to train on two CPU cores in minutes.
        public static let fashionMNIST = Configuration()
    }

    /// One convolution → normalisation → ReLU stage.
    public struct Stage: Module {
        @Key("convolution") public var convolution: Conv2d
        @Key("normalization") public var normalization: BatchNorm2d?

        public init(convolution: Conv2d, normalization: BatchNorm2d?) {
            self.convolution = convolution
            self.normalization = normalization
        }

        func callAsFunction(_ input: Variable) -> Variable {
            let convolved = convolution(input)
            return (normalization.map { $0(convolved) } ?? convolved).relu()
        }
    }

    public let configuration: Configuration
    @Key("stages") public var stages: [Stage]

    /// PyTorch-default initialisation from a seeded generator.
    public init(configuration: Configuration = .fashionMNIST, generator: inout SeededGenerator) {
        precondition(!configuration.channels.isEmpty, "a CNN needs at least one stage")
        self.configuration = configuration
        var stages: [Stage] = []
        var inChannels = configuration.inputChannels
        for outChannels in configuration.channels {
            let convolution = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
                                     bias: !configuration.batchNormalization, generator: &generator)
            stages.append(Stage(convolution: convolution,
                                normalization: configuration.batchNormalization ? BatchNorm2d(channels: outChannels) : nil))
            inChannels = outChannels
        }
        self.stages = stages
    }

    public var embeddingWidth: Int { configuration.channels.last! }
    public var inputSize: Int? { nil }

    private static let pooling = Convolution2DGeometry(kernel: (2, 2), stride: (2, 2))

    /// Globally average-pooled last stage; the token states are that stage's feature map.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        var hidden = images  // [batch, inputChannels, height, width]
        for (index, stage) in stages.enumerated() {
            hidden = stage(hidden)
            if index < stages.count - 1 { hidden = hidden.maxPool2d(geometry: Self.pooling) }  // halves height and width
        }
        let pooled = hidden.globalAveragePool()  // [batch, embeddingWidth]
        return includingTokenStates ? ImageEncoding(pooled: pooled, featureMap: hidden) : ImageEncoding(pooled: pooled)
    }
}
