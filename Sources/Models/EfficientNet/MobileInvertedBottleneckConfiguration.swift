/// The shape of one mobile inverted bottleneck (MBConv; Sandler et al. 2018, "MobileNetV2"), after
/// EfficientNet's width and depth scaling.
public struct MobileInvertedBottleneckConfiguration: Codable, Sendable, Equatable {
    public var inputChannels: Int
    public var outputChannels: Int
    public var expansionRatio: Int
    public var kernelSize: Int
    public var stride: Int

    public init(inputChannels: Int, outputChannels: Int, expansionRatio: Int, kernelSize: Int, stride: Int) {
        precondition(inputChannels > 0 && outputChannels > 0 && expansionRatio > 0 && kernelSize > 0 && stride > 0,
                     "invalid bottleneck \(inputChannels)→\(outputChannels), ×\(expansionRatio), k\(kernelSize), s\(stride)")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.expansionRatio = expansionRatio
        self.kernelSize = kernelSize
        self.stride = stride
    }

    /// Channels of the depthwise convolution: inputChannels · expansionRatio.
    public var expandedChannels: Int { inputChannels * expansionRatio }

    /// Whether the block has a 1×1 expansion convolution (expansion ratio ≠ 1).
    public var expands: Bool { expansionRatio != 1 }

    /// The identity shortcut: only when the block keeps both resolution and width.
    public var hasShortcut: Bool { stride == 1 && inputChannels == outputChannels }
}
