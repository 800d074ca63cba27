import Autograd
import Foundation
import Models
import NN
import Tensor

/// The text reconstruction module's image encoder (the seed paper's Eq. 4): a frozen ImageNet CNN,
/// EfficientNet-Lite0 of the default model (Tan & Le 2019), whose last feature map gives L region
/// vectors a_i ∈ R^D, D = 1280, on a ⌈size/32⌉² grid (L = 16 at 128 pixels):
///
///     x = resize(pixels, size)                   bilinear, only when the size differs
///     x = (127.5·x + 0.5)/128                    [−1, 1] → Lite's (255·x₀₁ − 127)/128
///     a = featureMap(repeat(x, 3 channels))      [batch, 1280, g, g] → [batch, L = g², 1280]
///
/// Grey images (one channel) are repeated to three. Every step is differentiable, so a loss on
/// the regions back-propagates into the input pixels (the mapping stage trains through the frozen
/// captioner into generated images); the network is in inference mode (BatchNorm running
/// statistics) and its weights are frozen.
public struct CaptionerImageEncoder {
    public let network: EfficientNet
    /// The side the images are resized to.
    public let imageSize: Int

    public init(network: EfficientNet, imageSize: Int) {
        precondition(imageSize >= 32, "the captioner's image size must be at least 32, got \(imageSize)")
        network.setMode(.inference)
        network.freeze(paths: [""])
        self.network = network
        self.imageSize = imageSize
    }

    /// The default model's installed EfficientNet-Lite0 (headless).
    public static func installed(imageSize: Int) throws -> CaptionerImageEncoder {
        CaptionerImageEncoder(network: try DefaultModel.installedTowers().image, imageSize: imageSize)
    }

    public var featureWidth: Int { network.configuration.featureChannels }
    /// L, the number of regions.
    public var regionCount: Int { ((imageSize + 31) / 32) * ((imageSize + 31) / 32) }

    /// Region features of pixels `[batch, 1 or 3, H, W]` in [−1, 1]: `[batch, L, D]`, differentiable.
    public func regions(_ pixels: Variable) -> Variable {
        precondition(pixels.shape.count == 4 && (pixels.shape[1] == 1 || pixels.shape[1] == 3),
                     "the captioner's encoder needs [batch, 1 or 3, height, width] pixels, got \(pixels.shape)")
        var images = pixels
        if pixels.shape[2] != imageSize || pixels.shape[3] != imageSize {
            images = images.upsampled(height: imageSize, width: imageSize, mode: .bilinear(alignCorners: false))
        }
        images = (images * 127.5 + 0.5) * (1 / Float(128))  // [batch, C, size, size], Lite normalisation
        if images.shape[1] == 1 { images = Variable.concatenate([images, images, images], alongAxis: 1) }  // [batch, 3, size, size]
        let map = network.featureMap(images)  // [batch, D, g, g]
        let (batch, width) = (map.shape[0], map.shape[1])
        return map.reshaped([batch, width, -1]).permuted([0, 2, 1])  // [batch, L, D]
    }

    /// Region features without gradients, `batchSize` images at a time: `[count, L, D]`.
    public func regions(of pixels: Tensor, batchSize: Int = 16) -> Tensor {
        GradientMode.withoutGradients {
            let parts = stride(from: 0, to: pixels.shape[0], by: batchSize).map { start in
                regions(Variable(pixels.slice(start..<min(start + batchSize, pixels.shape[0])))).value  // [batch, L, D]
            }
            return Tensor.concatenate(parts, alongAxis: 0)
        }
    }
}
