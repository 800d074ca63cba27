import Foundation
import Imaging

/// Small 8-bit RGB PNG files whose pixels a test chooses, written by Imaging's `PNGEncoder`.
public enum TestImages {
    /// A `width`×`height` PNG of one colour, except pixel number `variant` modulo the pixel count
    /// (row-major) whose red is inverted (red xor 255), so that images of the same colour differ.
    public static func png(width: Int = 8, height: Int = 8, red: UInt8, green: UInt8 = 0, blue: UInt8 = 0,
                           variant: Int = 0) throws -> Data {
        var samples: [UInt8] = []
        samples.reserveCapacity(width * height * 3)
        for index in 0..<(width * height) {
            let mark: UInt8 = index == variant % (width * height) ? 255 : 0
            samples += [red ^ mark, green, blue]
        }
        return try PNGEncoder.encode(samples, width: width, height: height, layout: .rgb)
    }

    /// A `width`×`height` PNG of seeded random pixels: it hardly compresses, so its file is about
    /// 3 · width · height bytes (for tests of file-size limits).
    public static func noisePNG(width: Int, height: Int, seed: UInt64) throws -> Data {
        var generator = SplitMix64(seed: seed)
        let samples = (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return try PNGEncoder.encode(samples, width: width, height: height, layout: .rgb)
    }

    /// Writes `png(...)` to `url`.
    public static func write(to url: URL, width: Int = 8, height: Int = 8, red: UInt8, green: UInt8 = 0, blue: UInt8 = 0,
                             variant: Int = 0) throws {
        try png(width: width, height: height, red: red, green: green, blue: blue, variant: variant).write(to: url)
    }
}
