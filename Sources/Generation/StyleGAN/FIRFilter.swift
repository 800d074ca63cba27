import Autograd
import Tensor

/// StyleGAN2's resampling filter `upfirdn2d` (Karras et al. 2020, App. B; rosinality's
/// `op/upfirdn2d.py` fallback): per channel, upsample by zero insertion (each sample followed by
/// `up − 1` zeros on both axes), zero-pad `before` and `after` on both spatial axes, then filter
/// with the 2-D kernel K by true convolution (K flipped, then cross-correlated):
///
///     y = (pad(↑_up x) ∗ K),   output side = side·up + before + after − k + 1.
///
/// The kernel is the outer product of a 1-D binomial [1, 3, 3, 1], normalised to sum 1 (times
/// up² when upsampling, so the mean is kept). Built from differentiable operations, so gradients
/// reach the input.
public enum FIRFilter {
    /// StyleGAN's default 1-D filter taps.
    public static let binomialTaps: [Float] = [1, 3, 3, 1]

    /// The normalised 2-D kernel k·kᵀ / Σ(k·kᵀ), times `gain`.
    public static func kernel(taps: [Float] = binomialTaps, gain: Float = 1) -> Tensor {
        let total = taps.reduce(0, +)
        let size = taps.count
        return Tensor(shape: [size, size], scalars: (0..<(size * size)).map { index in
            taps[index / size] * taps[index % size] / (total * total) * gain
        })
    }

    /// `[batch, channels, height, width]` → `[batch, channels, height·up + before + after − k + 1, …]`.
    public static func apply(_ input: Variable, kernel: Tensor, up: Int = 1, before: Int, after: Int) -> Variable {
        let channels = input.shape[1]
        let expanded = up > 1 ? zeroInserted(input, factor: up) : input  // [batch, channels, height·up, width·up]
        let padded = expanded.padded(SpatialPadding(top: before, bottom: after, left: before, right: after))
        let (kernelHeight, kernelWidth) = (kernel.shape[0], kernel.shape[1])
        let flipped = kernel.scalars.reversed()  // true convolution: the kernel turned by 180°
        let depthwise = Tensor(shape: [channels, 1, kernelHeight, kernelWidth], scalars: Array(repeatElement(Array(flipped), count: channels).joined()))
        return filtered(padded, depthwise: depthwise)
    }

    /// Valid depthwise cross-correlation of each channel with its fixed kernel `[channels, 1, kh, kw]`,
    /// differentiable for the input only (the kernel is a constant):
    ///
    ///     y = x ⋆ K,    ∂L/∂x = pad_{k−1}(∂L/∂y) ⋆ rot180(K),
    ///
    /// so the backward pass is the same direct depthwise loop as the forward one, not the general
    /// convolution's per-image, per-channel im2col products and a kernel gradient nobody uses.
    static func filtered(_ input: Variable, depthwise kernel: Tensor) -> Variable {
        let channels = input.shape[1]
        let (kernelHeight, kernelWidth) = (kernel.shape[2], kernel.shape[3])
        let geometry = Convolution2DGeometry(kernel: (kernelHeight, kernelWidth))
        let output = Tensor.conv2d(input.value, weight: kernel, bias: nil, geometry: geometry, groups: channels)  // [b, c, h − kh + 1, w − kw + 1]
        let turned = kernel.spatiallyTurned()  // [channels, 1, kh, kw]
        let border = SpatialPadding(top: kernelHeight - 1, bottom: kernelHeight - 1, left: kernelWidth - 1, right: kernelWidth - 1)
        return Variable(output, operation: "firFilter", inputs: [input]) { gradient in
            [Tensor.conv2d(gradient.padded(border), weight: turned, bias: nil, geometry: geometry, groups: channels)]  // [b, c, h, w]
        }
    }

    /// Zero insertion: every sample followed by `factor − 1` zeros along height and width,
    /// `[b, c, h, w]` → `[b, c, h·factor, w·factor]` (the zeros after the last sample included).
    public static func zeroInserted(_ input: Variable, factor: Int) -> Variable {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let columns = Variable.concatenate([input.reshaped([batch, channels, height, 1, width, 1]),
                                            Variable(Tensor(zeros: [batch, channels, height, 1, width, factor - 1]))],
                                           alongAxis: 5)  // [b, c, h, 1, w, factor]
        let rows = Variable.concatenate([columns, Variable(Tensor(zeros: [batch, channels, height, factor - 1, width, factor]))],
                                        alongAxis: 3)  // [b, c, h, factor, w, factor]
        return rows.reshaped([batch, channels, height * factor, width * factor])
    }
}
