/// One row of EfficientNet's block table (Tan & Le 2019, "EfficientNet: Rethinking Model Scaling
/// for Convolutional Neural Networks", Table 1): `repeats` mobile inverted bottlenecks of one
/// kernel size and expansion ratio; the first one strides and changes the channel count, the
/// others keep both. Channel counts and repeats are those of the unscaled (B0 / Lite0) network;
/// `EfficientNetConfiguration` scales them.
///
/// Coding keys are the reference's `BlockArgs` fields (`r1_k3_s11_e1_i32_o16` in block-string form).
public struct EfficientNetStage: Codable, Sendable, Equatable {
    public var repeats: Int
    public var kernelSize: Int
    public var stride: Int
    /// Expanded channels = input channels · `expansionRatio` (1: no expansion convolution).
    public var expansionRatio: Int
    public var inputChannels: Int
    public var outputChannels: Int

    enum CodingKeys: String, CodingKey {
        case repeats = "num_repeat"
        case kernelSize = "kernel_size"
        case stride
        case expansionRatio = "expand_ratio"
        case inputChannels = "input_filters"
        case outputChannels = "output_filters"
    }

    public init(repeats: Int, kernelSize: Int, stride: Int, expansionRatio: Int, inputChannels: Int, outputChannels: Int) {
        self.repeats = repeats
        self.kernelSize = kernelSize
        self.stride = stride
        self.expansionRatio = expansionRatio
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
    }

    /// The seven stages shared by EfficientNet-B0 and EfficientNet-Lite0 (without squeeze-excitation).
    public static let baseline: [EfficientNetStage] = [
        EfficientNetStage(repeats: 1, kernelSize: 3, stride: 1, expansionRatio: 1, inputChannels: 32, outputChannels: 16),
        EfficientNetStage(repeats: 2, kernelSize: 3, stride: 2, expansionRatio: 6, inputChannels: 16, outputChannels: 24),
        EfficientNetStage(repeats: 2, kernelSize: 5, stride: 2, expansionRatio: 6, inputChannels: 24, outputChannels: 40),
        EfficientNetStage(repeats: 3, kernelSize: 3, stride: 2, expansionRatio: 6, inputChannels: 40, outputChannels: 80),
        EfficientNetStage(repeats: 3, kernelSize: 5, stride: 1, expansionRatio: 6, inputChannels: 80, outputChannels: 112),
        EfficientNetStage(repeats: 4, kernelSize: 5, stride: 2, expansionRatio: 6, inputChannels: 112, outputChannels: 192),
        EfficientNetStage(repeats: 1, kernelSize: 3, stride: 1, expansionRatio: 6, inputChannels: 192, outputChannels: 320),
    ]
}
