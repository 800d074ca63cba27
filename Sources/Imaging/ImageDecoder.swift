import FileSystem
import Foundation

/// Decodes JPEG, PNG, WebP and PGM files to `RGBImage`, matching Pillow's
/// `ImageOps.exif_transpose(Image.open(path)).convert("RGB")`.
///
/// - The format comes from the leading magic bytes (`ImageFormat.detect`), never the extension.
/// - JPEG goes through libjpeg-turbo (TurboJPEG, accurate integer IDCT, fancy upsampling, as Pillow
///   uses it); CMYK/YCCK JPEGs are read with Adobe's inverted convention and converted like
///   Pillow's `CMYK` to `RGB`; the EXIF orientation tag (or, without one, XMP `tiff:Orientation`) is
///   applied as `exif_transpose` does (`ExifOrientation`).
/// - PNG goes through libpng; alpha and tRNS are dropped, not composited, as Pillow's
///   `convert("RGB")` does (`png_rgb_reader.h` lists each conversion).
/// - WebP goes through libwebp; alpha is dropped.
/// - PGM (P5 raw, P2 plain) is read by `PGMDecoder`, scaled to 8 bits as Pillow scales it.
/// - Before any pixel buffer is allocated the header's dimensions are checked against
///   `maximumPixelCount` (Pillow's `Image.MAX_IMAGE_PIXELS` guard against decompression bombs; Pillow
///   only warns between 1x and 2x its limit, this decoder throws above 1x).
public struct ImageDecoder: Sendable {
    /// Pillow's `Image.MAX_IMAGE_PIXELS`: 1024 * 1024 * 1024 / 4 / 3 = 89,478,485 pixels.
    public static let defaultMaximumPixelCount = 1024 * 1024 * 1024 / 4 / 3

    /// Images whose header declares more pixels than this are rejected with `ImageError.tooManyPixels`.
    public var maximumPixelCount: Int
    /// Whether JPEG orientation metadata is applied (Pillow's `exif_transpose`).
    public var appliesOrientation: Bool

    public init(maximumPixelCount: Int = ImageDecoder.defaultMaximumPixelCount, appliesOrientation: Bool = true) {
        precondition(maximumPixelCount > 0, "maximumPixelCount must be positive, got \(maximumPixelCount)")
        self.maximumPixelCount = maximumPixelCount
        self.appliesOrientation = appliesOrientation
    }

    /// Decodes the image file at `url`.
    public func decode(contentsOf url: URL) throws -> RGBImage {
        try decode(contentsOf: FileSystemPath(url))
    }

    /// Decodes the image file at `path` (bytes: a name that is not UTF-8 is read too; errors name
    /// it by its escaped text). Only regular files are read: a FIFO or a device such as
    /// `/dev/zero` is refused by what it is, before anything is read.
    public func decode(contentsOf path: FileSystemPath) throws -> RGBImage {
        let bytes: [UInt8]
        do throws(FileSystemError) {
            bytes = try path.contents()
        } catch {
            throw ImageError.unreadableFile(path: path.escapedText, reason: Self.reason(error))
        }
        return try decode(bytes, source: path.escapedText)
    }

    /// Why a file could not be read, in the decoder's words.
    static func reason(_ error: FileSystemError) -> String {
        switch error {
        case let .failed(_, _, code) where code == ENOENT: return "no such file"
        case let .notARegularFile(_, kind): return "it is \(kind), not an image file"
        default: return error.reason
        }
    }

    /// Decodes the image file at `path`.
    public func decode(contentsOfFile path: String) throws -> RGBImage {
        try decode(contentsOf: URL(fileURLWithPath: path))
    }

    /// Decodes encoded image bytes; `source` names them in errors (a path or a label).
    public func decode(_ data: Data, source: String = "<memory>") throws -> RGBImage {
        try data.withUnsafeBytes { try decode(bytes: $0, source: source) }
    }

    /// Decodes encoded image bytes; `source` names them in errors (a path or a label).
    public func decode(_ bytes: [UInt8], source: String = "<memory>") throws -> RGBImage {
        try bytes.withUnsafeBytes { try decode(bytes: $0, source: source) }
    }

    /// Decodes encoded image bytes; `source` names them in errors (a path or a label).
    public func decode(bytes: UnsafeRawBufferPointer, source: String = "<memory>") throws -> RGBImage {
        guard bytes.count > 0 else { throw ImageError.emptyFile(path: source) }
        guard let format = ImageFormat.detect(bytes) else {
            // Never shown: the bytes themselves (a dataset may point at /etc/passwd).
            throw ImageError.unsupportedFormat(
                path: source, detail: "the data (\(bytes.count) bytes) starts with no known image signature")
        }
        let guardrail = PixelCountGuard(limit: maximumPixelCount, source: source)
        switch format {
        case .jpeg:
            let image = try JPEGDecoder.decode(bytes, source: source, guardrail: guardrail)
            guard appliesOrientation else { return image }
            let orientation = JPEGMetadata(bytes).orientation
            return image.oriented(orientation)
        case .png:
            return try PNGDecoder.decode(bytes, source: source, guardrail: guardrail)
        case .webp:
            return try WebPDecoder.decode(bytes, source: source, guardrail: guardrail)
        case .pgm:
            return try PGMDecoder.decode(bytes, source: source, guardrail: guardrail)
        case .gif, .tiff, .bmp:
            throw ImageError.unsupportedFormat(path: source, detail: "\(format.name) files are not decoded")
        }
    }
}

extension RGBImage {
    /// Decodes the JPEG, PNG, WebP or PGM file at `url` with a default `ImageDecoder`.
    public init(contentsOf url: URL) throws {
        self = try ImageDecoder().decode(contentsOf: url)
    }
}
