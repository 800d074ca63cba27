/// The decompression-bomb check every decoder runs on the header's dimensions before it
/// allocates pixels (the role of Pillow's `Image._decompression_bomb_check`).
struct PixelCountGuard: Sendable {
    /// Largest accepted `width * height`.
    let limit: Int
    /// Names the input in errors.
    let source: String

    /// Throws `ImageError.tooManyPixels` when `width * height` exceeds the limit, and
    /// `ImageError.corrupt` for non-positive dimensions.
    func check(width: Int, height: Int, format: ImageFormat) throws {
        guard width > 0, height > 0 else {
            throw ImageError.corrupt(path: source, format: format,
                                     detail: "the header declares an empty size \(width)x\(height)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > limit {
            throw ImageError.tooManyPixels(path: source, width: width, height: height, limit: limit)
        }
    }
}
