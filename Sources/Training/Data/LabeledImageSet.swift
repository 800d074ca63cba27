import Tensor

/// A labelled image set held in memory as 8-bit samples, planar `[count, channels, height, width]`,
/// with class indices and class names: Fashion-MNIST, or an image folder decoded once.
public struct LabeledImageSet: Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    /// `count · channels · height · width` samples, image after image, each channel a plane.
    public let pixels: [UInt8]
    /// Class index of each image, in `0..<classNames.count`.
    public let labels: [Int]
    /// Human-readable class names.
    public let classNames: [String]

    public init(channels: Int, height: Int, width: Int, pixels: [UInt8], labels: [Int], classNames: [String]) {
        precondition(pixels.count == labels.count * channels * height * width,
                     "\(pixels.count) samples do not fill \(labels.count) images of \(channels)×\(height)×\(width)")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classNames.count }, "a label is outside 0..<\(classNames.count)")
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
        self.classNames = classNames
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Samples per image.
    public var imageSize: Int { channels * height * width }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledImageSet {
        var selected = [UInt8]()
        selected.reserveCapacity(indices.count * imageSize)
        for index in indices { selected += pixels[(index * imageSize)..<((index + 1) * imageSize)] }
        return LabeledImageSet(channels: channels, height: height, width: width, pixels: selected,
                               labels: indices.map { labels[$0] }, classNames: classNames)
    }

    /// The first `perClass` images of every class (fewer where a class has fewer), in data order.
    public func balancedPrefix(perClass: Int) -> LabeledImageSet {
        var taken = [Int](repeating: 0, count: classNames.count)
        var indices: [Int] = []
        for (index, label) in labels.enumerated() where taken[label] < perClass {
            taken[label] += 1
            indices.append(index)
        }
        return subset(indices)
    }

    /// Image indices of each class.
    public func indicesByClass() -> [[Int]] {
        var result = [[Int]](repeating: [], count: classNames.count)
        for (index, label) in labels.enumerated() { result[label].append(index) }
        return result
    }

    /// `[indices.count, channels, height, width]` of (sample/255 − mean[c])/std[c]; images whose
    /// `flipped` entry is true are mirrored left to right.
    public func batch(_ indices: [Int], normalization: PixelNormalization, flipped: [Bool]? = nil) -> Tensor {
        precondition(normalization.mean.count == channels && normalization.std.count == channels,
                     "normalisation has \(normalization.mean.count) channels, images have \(channels)")
        let table = normalization.lookupTable()
        let plane = height * width
        return Tensor(shape: [indices.count, channels, height, width]) { output in
            pixels.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "image \(index) is outside 0..<\(count)")
                    let mirror = flipped?[row] ?? false
                    for channel in 0..<channels {
                        let input = source.baseAddress! + index * imageSize + channel * plane
                        let destination = output.baseAddress! + row * imageSize + channel * plane
                        let lookup = channel * 256
                        for y in 0..<height {
                            for x in 0..<width {
                                let sourceX = mirror ? width - 1 - x : x
                                destination[y * width + x] = table[lookup + Int(input[y * width + sourceX])]
                            }
                        }
                    }
                }
            }
        }
    }
}

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
