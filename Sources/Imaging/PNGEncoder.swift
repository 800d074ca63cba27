import CCodecs
import Foundation

/// 8-bit PNG writing through libpng's simplified write API (`png_image_write_to_memory`), which
/// reports errors through its `message` field rather than longjmp, so no C shim is needed.
/// Lossless: `ImageDecoder` reads back exactly the samples written (grey replicated to RGB).
public enum PNGEncoder {
    /// Why an image could not be encoded.
    public struct EncodingError: Error, CustomStringConvertible {
        public let detail: String
        public var description: String { "PNG encoding failed: \(detail)" }
    }

    /// The samples' layout: one grey byte or three RGB bytes per pixel.
    public enum Layout: Sendable {
        case gray
        case rgb

        var channels: Int { self == .gray ? 1 : 3 }
        var libpngFormat: UInt32 { self == .gray ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB) }
    }

    /// A PNG of `height` rows of `width` pixels, rows top to bottom without padding.
    public static func encode(_ samples: [UInt8], width: Int, height: Int, layout: Layout) throws -> Data {
        guard width > 0, height > 0, width <= Int(Int32.max) / layout.channels, height <= Int(UInt32.max) else {
            throw EncodingError(detail: "image size \(width)x\(height) is not encodable")
        }
        guard samples.count == width * height * layout.channels else {
            throw EncodingError(detail: "\(samples.count) bytes do not fill a \(width)x\(height) image of \(layout.channels) channel(s)")
        }
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(layout.libpngFormat)
        let rowStride = png_int_32(width * layout.channels)
        return try samples.withUnsafeBytes { buffer in
            // First pass measures, second writes into a buffer of that size.
            var size: png_alloc_size_t = 0
            guard png_image_write_to_memory(&image, nil, &size, 0, buffer.baseAddress, rowStride, nil) != 0, size > 0 else {
                throw EncodingError(detail: message(of: image))
            }
            var output = Data(count: Int(size))
            let written = output.withUnsafeMutableBytes { target in
                png_image_write_to_memory(&image, target.baseAddress, &size, 0, buffer.baseAddress, rowStride, nil)
            }
            guard written != 0 else { throw EncodingError(detail: message(of: image)) }
            output.count = Int(size)
            return output
        }
    }

    /// An `RGBImage` as an RGB PNG.
    public static func encode(_ image: RGBImage) throws -> Data {
        try encode(image.pixels, width: image.width, height: image.height, layout: .rgb)
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return text.isEmpty ? "libpng reported no reason" : text
    }
}
