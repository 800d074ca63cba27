import FileSystem
import Foundation
import Imaging
import Tensor

/// A labelled image set held in memory as 8-bit samples, planar `[count, channels, height, width]`,
/// with class indices and class names: Fashion-MNIST, or class or person folders decoded once.
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

    /// Decodes `files` once, each squashed to `size`×`size` with `filter` and, when `channels` is 1,
    /// made grey with ITU-R 601-2 luma in Pillow's integer arithmetic (`convert("L")`:
    /// (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16).
    public init(decoding files: [URL], labels: [Int], classNames: [String], size: Int, channels: Int,
                filter: ResamplingFilter = .bilinear, decoder: ImageDecoder = ImageDecoder()) throws {
        try self.init(decoding: files.map(FileSystemPath.init), labels: labels, classNames: classNames, size: size, channels: channels,
                      filter: filter, decoder: decoder)
    }

    /// Decodes `files` (byte paths) once, as `init(decoding:labels:classNames:size:channels:filter:decoder:)`.
    public init(decoding files: [FileSystemPath], labels: [Int], classNames: [String], size: Int, channels: Int,
                filter: ResamplingFilter = .bilinear, decoder: ImageDecoder = ImageDecoder()) throws {
        precondition(channels == 1 || channels == 3, "images have 1 or 3 channels")
        precondition(files.count == labels.count, "\(files.count) files for \(labels.count) labels")
        let plane = size * size
        var pixels = [UInt8](repeating: 0, count: files.count * channels * plane)
        for (index, file) in files.enumerated() {
            let image = try decoder.decode(contentsOf: file).resized(width: size, height: size, filter: filter)
            let base = index * channels * plane
            for position in 0..<plane {
                let red = Int(image.pixels[position * 3]), green = Int(image.pixels[position * 3 + 1]),
                    blue = Int(image.pixels[position * 3 + 2])
                if channels == 1 {
                    pixels[base + position] = UInt8((red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16)
                } else {
                    pixels[base + position] = UInt8(red)
                    pixels[base + plane + position] = UInt8(green)
                    pixels[base + 2 * plane + position] = UInt8(blue)
                }
            }
        }
        self.init(channels: channels, height: size, width: size, pixels: pixels, labels: labels, classNames: classNames)
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
