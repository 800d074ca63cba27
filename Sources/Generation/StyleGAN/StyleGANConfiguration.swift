import Foundation
import Tensor

/// The shape of a StyleGAN2 generator and its discriminator (Karras et al. 2020), with
/// rosinality/stylegan2-pytorch's argument names as coding keys:
///
/// - `size`: output side (a power of two ≥ 8); the synthesis runs 4×4 → `size` in 2× steps.
/// - `style_dim`: width of z and w (512 in the paper); `n_mlp`: mapping layers (8).
/// - `channels`: feature channels at each resolution 4, 8, …, `size` (rosinality: 512 up to 32×32,
///   then 256·m, 128·m, … for the channel multiplier m; small tables train on a CPU).
/// - `image_channels`: 3 for RGB (every rosinality checkpoint), 1 for grey.
/// - `lr_mlp`: the mapping network's learning-rate multiplier (0.01).
public struct StyleGANConfiguration: Codable, Sendable, Equatable {
    public var size: Int
    public var styleDimension: Int
    public var mappingLayers: Int
    public var channels: [Int]
    public var imageChannels: Int
    public var mappingLearningRateMultiplier: Float

    public init(size: Int, styleDimension: Int, mappingLayers: Int, channels: [Int], imageChannels: Int = 3,
                mappingLearningRateMultiplier: Float = 0.01) {
        self.size = size
        self.styleDimension = styleDimension
        self.mappingLayers = mappingLayers
        self.channels = channels
        self.imageChannels = imageChannels
        self.mappingLearningRateMultiplier = mappingLearningRateMultiplier
    }

    enum CodingKeys: String, CodingKey {
        case size, styleDimension = "style_dim", mappingLayers = "n_mlp", channels, imageChannels = "image_channels"
        case mappingLearningRateMultiplier = "lr_mlp"
    }

    /// rosinality's channel table for `Generator(size, style_dim, n_mlp, channel_multiplier)`.
    public static func rosinality(size: Int, styleDimension: Int = 512, mappingLayers: Int = 8, channelMultiplier: Int = 2) -> Self {
        let table = [4: 512, 8: 512, 16: 512, 32: 512, 64: 256, 128: 128, 256: 64, 512: 32, 1024: 16]
        let channels = resolutions(size: size).map { side in side <= 32 ? table[side]! : table[side, default: 16] * channelMultiplier }
        return Self(size: size, styleDimension: styleDimension, mappingLayers: mappingLayers, channels: channels)
    }

    /// 4, 8, …, `size`.
    public static func resolutions(size: Int) -> [Int] {
        var sides: [Int] = []
        var side = 4
        while side <= size {
            sides.append(side)
            side *= 2
        }
        return sides
    }

    /// Throws unless the size is a power of two ≥ 8 with one channel count per resolution.
    public func validate(source: String = "StyleGAN configuration") throws {
        guard size >= 8, size & (size - 1) == 0 else {
            throw GenerationError.invalidConfiguration(source: source, reason: "size must be a power of two ≥ 8, not \(size)")
        }
        let expected = Self.resolutions(size: size).count
        guard channels.count == expected, channels.allSatisfy({ $0 > 0 }) else {
            throw GenerationError.invalidConfiguration(
                source: source, reason: "channels needs \(expected) positive counts (resolutions 4…\(size)), got \(channels)")
        }
        guard styleDimension > 0, mappingLayers > 0, [1, 3].contains(imageChannels) else {
            throw GenerationError.invalidConfiguration(source: source,
                                                       reason: "style_dim and n_mlp must be positive and image_channels 1 or 3")
        }
    }

    /// The configuration a rosinality generator state dict (`g_ema`) was built with, read off its
    /// tensors: `n_mlp` from the `style.N` layers, `style_dim` from their width, `size` from the
    /// `to_rgbs` count, channels from each block's kernel and image channels from `to_rgb1`.
    public static func inferred(fromGenerator tensors: [String: Tensor], source: String) throws -> Self {
        func shape(_ name: String) throws -> [Int] {
            guard let tensor = tensors[name] else {
                throw GenerationError.invalidConfiguration(source: source, reason: "\(name) is missing, so the generator's shape cannot be read")
            }
            return tensor.shape
        }
        let mappingLayers = tensors.keys.filter { $0.hasPrefix("style.") && $0.hasSuffix(".weight") }.count
        guard mappingLayers > 0 else {
            throw GenerationError.invalidConfiguration(source: source, reason: "no style.N.weight tensors: not a StyleGAN2 generator")
        }
        let styleDimension = try shape("style.1.weight")[1]
        let blocks = tensors.keys.filter { $0.hasPrefix("to_rgbs.") && $0.hasSuffix(".conv.weight") }.count
        let size = 4 << blocks
        var channels = [try shape("conv1.conv.weight")[1]]
        for block in 0..<blocks { channels.append(try shape("convs.\(2 * block).conv.weight")[1]) }
        let imageChannels = try shape("to_rgb1.conv.weight")[1]
        let configuration = Self(size: size, styleDimension: styleDimension, mappingLayers: mappingLayers, channels: channels,
                                 imageChannels: imageChannels)
        try configuration.validate(source: source)
        return configuration
    }
}
