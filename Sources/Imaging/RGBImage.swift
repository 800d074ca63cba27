/// An 8-bit RGB raster: `height` rows of `width` pixels, each pixel three bytes R, G, B,
/// rows stored top to bottom with no padding (the layout of Pillow's `"RGB"` mode as NumPy sees it).
public struct RGBImage: Sendable, Equatable {
    /// Pixels per row.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// Interleaved samples, `width * height * 3` bytes, index `(y * width + x) * 3 + channel`
    /// (set single pixels through the subscript, so the count always matches the size).
    public internal(set) var pixels: [UInt8]

    /// Channels per pixel.
    public static let channelCount = 3

    /// Wraps `pixels`, which must hold exactly `width * height * 3` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "image size \(width)x\(height) is negative")
        precondition(pixels.count == width * height * 3,
                     "\(pixels.count) bytes do not fill a \(width)x\(height) RGB image (\(width * height * 3) needed)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of `width` x `height` pixels all set to `red`, `green`, `blue`.
    public init(width: Int, height: Int, red: UInt8 = 0, green: UInt8 = 0, blue: UInt8 = 0) {
        precondition(width >= 0 && height >= 0, "image size \(width)x\(height) is negative")
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        if red != 0 || green != 0 || blue != 0 {
            for index in stride(from: 0, to: pixels.count, by: 3) {
                pixels[index] = red
                pixels[index + 1] = green
                pixels[index + 2] = blue
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// An image whose bytes are written by `body` into an uninitialised buffer of
    /// `width * height * 3` bytes; `body` must write every byte.
    @inlinable
    public init(width: Int, height: Int,
                initializingPixelsWith body: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) rethrows {
        precondition(width >= 0 && height >= 0, "image size \(width)x\(height) is negative")
        let count = width * height * 3
        let pixels = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            try body(buffer)
            initializedCount = count
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Number of pixels.
    public var pixelCount: Int { width * height }

    /// The (red, green, blue) sample at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height,
                         "pixel (\(x), \(y)) is outside a \(width)x\(height) image")
            let index = (y * width + x) * 3
            return (pixels[index], pixels[index + 1], pixels[index + 2])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height,
                         "pixel (\(x), \(y)) is outside a \(width)x\(height) image")
            let index = (y * width + x) * 3
            pixels[index] = newValue.red
            pixels[index + 1] = newValue.green
            pixels[index + 2] = newValue.blue
        }
    }
}

extension RGBImage: CustomStringConvertible {
    public var description: String { "RGBImage(\(width)x\(height))" }
}
