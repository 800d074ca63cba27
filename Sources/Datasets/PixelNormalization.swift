/// Per-channel normalisation of 8-bit samples: (sample/255 − mean[c]) / std[c].
public struct PixelNormalization: Codable, Sendable, Equatable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count && std.allSatisfy { $0 != 0 }, "need one non-zero std per mean")
        self.mean = mean
        self.std = std
    }

    /// Fashion-MNIST's training-set mean and standard deviation of sample/255.
    public static let fashionMNIST = PixelNormalization(mean: [0.2860], std: [0.3530])
    /// sample/255 unchanged, for any channel count.
    public static func unit(channels: Int) -> PixelNormalization {
        PixelNormalization(mean: [Float](repeating: 0, count: channels), std: [Float](repeating: 1, count: channels))
    }

    /// 256 values per channel.
    func lookupTable() -> [Float] {
        var table = [Float](repeating: 0, count: mean.count * 256)
        for channel in mean.indices {
            for value in 0..<256 { table[channel * 256 + value] = (Float(value) / 255 - mean[channel]) / std[channel] }
        }
        return table
    }
}
