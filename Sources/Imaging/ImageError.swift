/// Why an image could not be decoded. Every case names the file (or the caller's label for
/// in-memory bytes) and says what is wrong in words a user can act on.
public enum ImageError: Error, Equatable, Sendable {
    /// The file could not be read from disk.
    case unreadableFile(path: String, reason: String)
    /// The file holds zero bytes.
    case emptyFile(path: String)
    /// The leading bytes are not those of a format this decoder reads.
    case unsupportedFormat(path: String, detail: String)
    /// The header declares more pixels than the configured limit (a decompression-bomb guard).
    case tooManyPixels(path: String, width: Int, height: Int, limit: Int)
    /// The data ends before the image is complete.
    case truncated(path: String, format: ImageFormat, detail: String)
    /// The data is malformed.
    case corrupt(path: String, format: ImageFormat, detail: String)
    /// A resize or crop of a decoded image would produce more pixels than
    /// `RGBImage.maximumOutputPixelCount` (a very thin image resized by its short side). The image
    /// is already decoded, so this case does not name the file: callers that read it do.
    case outputTooLarge(inputWidth: Int, inputHeight: Int, outputWidth: Int, outputHeight: Int, limit: Int)
}

extension ImageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read the file: \(reason)"
        case let .emptyFile(path):
            return "\(path): the file is empty (0 bytes), so it holds no image"
        case let .unsupportedFormat(path, detail):
            return "\(path): unsupported image format: \(detail); JPEG, PNG and WebP are supported"
        case let .tooManyPixels(path, width, height, limit):
            return "\(path): image size \(width)x\(height) (\(width * height) pixels) exceeds the limit of "
                + "\(limit) pixels; this could be a decompression bomb (raise maximumPixelCount to allow it)"
        case let .truncated(path, format, detail):
            return "\(path): the \(format.name) data is truncated: \(detail)"
        case let .corrupt(path, format, detail):
            return "\(path): the \(format.name) data is corrupt: \(detail)"
        case let .outputTooLarge(inputWidth, inputHeight, outputWidth, outputHeight, limit):
            let (pixels, overflow) = outputWidth.multipliedReportingOverflow(by: outputHeight)
            let ratio = max(inputWidth, inputHeight) / max(min(inputWidth, inputHeight), 1)
            return "resizing the \(inputWidth)x\(inputHeight) image to \(outputWidth)x\(outputHeight) would make "
                + (overflow ? "more than \(Int.max)" : "\(pixels)") + " pixels, over the limit of \(limit)"
                + (ratio >= 10 ? "; its aspect ratio (\(ratio):1) is too extreme to preprocess" : "")
        }
    }
}

extension ImageError: CustomDebugStringConvertible {
    public var debugDescription: String { description }
}
