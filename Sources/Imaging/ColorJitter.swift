/// Brightness, contrast and saturation jitter as torchvision's `ColorJitter` applies them to PIL
/// images (through Pillow's `ImageEnhance`): each enabled adjustment draws a factor uniformly from
/// [max(0, 1 - amount), 1 + amount], and the adjustments run in a random order. Each one blends
/// the image with a degenerate image: out = degenerate + factor * (image - degenerate), rounded
/// and clipped to 0...255, where the degenerate image is black (brightness), the mean grey level
/// (contrast) or the pixel's own grey level (saturation). Grey is ITU-R 601-2 luma
/// L = (299 R + 587 G + 114 B) / 1000.
public struct ColorJitter: Sendable, Equatable {
    public var brightness: Double
    public var contrast: Double
    public var saturation: Double

    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0) {
        precondition(brightness >= 0 && contrast >= 0 && saturation >= 0,
                     "jitter amounts must be non-negative, got \(brightness), \(contrast), \(saturation)")
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
    }

    /// One adjustment with its factor.
    public enum Adjustment: Sendable, Equatable {
        case brightness(Double)
        case contrast(Double)
        case saturation(Double)
    }

    /// Draws the factors and their order.
    public func adjustments<Generator: RandomNumberGenerator>(using generator: inout Generator) -> [Adjustment] {
        func factor(_ amount: Double) -> Double {
            Double.random(in: max(0, 1 - amount)...(1 + amount), using: &generator)
        }
        var drawn: [Adjustment] = []
        if brightness > 0 { drawn.append(.brightness(factor(brightness))) }
        if contrast > 0 { drawn.append(.contrast(factor(contrast))) }
        if saturation > 0 { drawn.append(.saturation(factor(saturation))) }
        drawn.shuffle(using: &generator)
        return drawn
    }

    /// The image with randomly drawn adjustments applied.
    public func callAsFunction<Generator: RandomNumberGenerator>(_ image: RGBImage,
                                                                  using generator: inout Generator) -> RGBImage {
        adjustments(using: &generator).reduce(image) { $0.adjusted($1) }
    }
}

extension RGBImage {
    /// The image with one colour adjustment applied (`ColorJitter` describes the formulas).
    public func adjusted(_ adjustment: ColorJitter.Adjustment) -> RGBImage {
        func blend(_ degenerate: Double, _ value: UInt8, _ factor: Double) -> UInt8 {
            let mixed = degenerate + factor * (Double(value) - degenerate)
            return UInt8(min(max(mixed.rounded(), 0), 255))
        }
        func luma(_ index: Int) -> Double {
            Double(299 * Int(pixels[index]) + 587 * Int(pixels[index + 1]) + 114 * Int(pixels[index + 2])) / 1000
        }
        var result = self
        switch adjustment {
        case .brightness(let factor):
            for index in 0..<pixels.count { result.pixels[index] = blend(0, pixels[index], factor) }
        case .contrast(let factor):
            var total = 0.0
            for pixel in 0..<pixelCount { total += luma(pixel * 3) }
            let mean = pixelCount > 0 ? (total / Double(pixelCount)).rounded() : 0
            for index in 0..<pixels.count { result.pixels[index] = blend(mean, pixels[index], factor) }
        case .saturation(let factor):
            for pixel in 0..<pixelCount {
                let grey = luma(pixel * 3)
                for channel in 0..<3 {
                    result.pixels[pixel * 3 + channel] = blend(grey, pixels[pixel * 3 + channel], factor)
                }
            }
        }
        return result
    }
}
