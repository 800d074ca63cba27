import Tensor

extension RGBImage {
    /// The image as a channels-first Float32 tensor [3, height, width] of
    /// (sample / 255 - mean[c]) / std[c]: torchvision's `ToTensor()` then `Normalize(mean, std)`,
    /// evaluated in the same Float32 operations (divide by 255, subtract, divide), so the values
    /// are bit-identical to torchvision's.
    public func normalizedTensor(mean: [Float], std: [Float]) -> Tensor {
        precondition(mean.count == 3 && std.count == 3,
                     "mean and std need one value per RGB channel, got \(mean.count) and \(std.count)")
        precondition(std.allSatisfy { $0 != 0 }, "std must be non-zero, got \(std)")
        let planeSize = width * height
        // One 256-entry table per channel: every sample value maps to one normalised value.
        var table = [Float](repeating: 0, count: 3 * 256)
        for channel in 0..<3 {
            for value in 0..<256 {
                table[channel * 256 + value] = (Float(value) / 255 - mean[channel]) / std[channel]
            }
        }
        return Tensor(shape: [3, height, width]) { output in
            pixels.withUnsafeBufferPointer { input in
                table.withUnsafeBufferPointer { lookup in
                    for channel in 0..<3 {
                        let plane = output.baseAddress! + channel * planeSize
                        let channelTable = lookup.baseAddress! + channel * 256
                        for index in 0..<planeSize {
                            plane[index] = channelTable[Int(input[index * 3 + channel])]
                        }
                    }
                }
            }
        }
    }
}

extension RGBImage {
    /// The raw samples as a channels-first Float32 tensor [3, height, width] in 0…255 (NumPy's
    /// `np.asarray(image, np.float32).transpose(2, 0, 1)`), for pipelines that scale by themselves.
    public func channelsFirstSamples() -> Tensor {
        let planeSize = width * height
        return Tensor(shape: [3, height, width]) { output in
            pixels.withUnsafeBufferPointer { input in
                for channel in 0..<3 {
                    let plane = output.baseAddress! + channel * planeSize
                    for index in 0..<planeSize { plane[index] = Float(input[index * 3 + channel]) }
                }
            }
        }
    }
}

extension Tensor {
    /// Stacks same-shaped [3, H, W] image tensors into a batch [N, 3, H, W].
    public static func stackingImages(_ images: [Tensor]) -> Tensor {
        precondition(!images.isEmpty, "cannot stack an empty list of images")
        let shape = images[0].shape
        precondition(shape.count == 3, "image tensors must be [channels, height, width], got \(shape)")
        for (index, image) in images.enumerated() where image.shape != shape {
            preconditionFailure("image \(index) has shape \(image.shape), image 0 has \(shape)")
        }
        let itemCount = images[0].count
        return Tensor(shape: [images.count] + shape) { output in
            for (index, image) in images.enumerated() {
                image.withUnsafeBufferPointer { source in
                    (output.baseAddress! + index * itemCount).initialize(from: source.baseAddress!, count: itemCount)
                }
            }
        }
    }
}
