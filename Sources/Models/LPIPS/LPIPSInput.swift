import Imaging
import Tensor

/// What LPIPS reads: RGB samples scaled to [−1, 1] as the `lpips` package's
/// `im2tensor(load_image(path))` does, x = s/127.5 − 1 computed in Float64 and rounded to Float32
/// once. Greyscale files are expanded to RGB by the decoder.
public enum LPIPSInput {
    /// The 256 possible values, exactly as NumPy computes them before `torch.Tensor` rounds them.
    static let table: [Float] = (0..<256).map { Float(Double($0) / 127.5 - 1) }

    /// One image as `[3, height, width]` in [−1, 1].
    public static func tensor(_ image: RGBImage) -> Tensor {
        let samples = image.channelsFirstSamples()  // [3, height, width] in 0…255
        return samples.map { table[Int($0)] }
    }
}
