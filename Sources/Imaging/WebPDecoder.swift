import CCodecs

/// WebP (lossy VP8, lossless VP8L, extended VP8X) to RGB through libwebp's advanced decoding
/// API, writing straight into the image's buffer; alpha is dropped, as Pillow's
/// `convert("RGB")` drops it. Animated files are rejected.
enum WebPDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, source: String, guardrail: PixelCountGuard) throws -> RGBImage {
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var config = WebPDecoderConfig()
        guard WebPInitDecoderConfig(&config) != 0 else {
            throw ImageError.corrupt(path: source, format: .webp, detail: "libwebp version mismatch")
        }
        let featureStatus = WebPGetFeatures(base, bytes.count, &config.input)
        if featureStatus != VP8_STATUS_OK {
            throw failure(featureStatus, source: source, stage: "reading the header")
        }
        if config.input.has_animation != 0 {
            throw ImageError.unsupportedFormat(path: source, detail: "animated WebP files are not decoded")
        }
        let width = Int(config.input.width), height = Int(config.input.height)
        try guardrail.check(width: width, height: height, format: .webp)

        var status = VP8_STATUS_OK
        let image = RGBImage(width: width, height: height) { output in
            config.output.colorspace = MODE_RGB
            config.output.is_external_memory = 1
            config.output.u.RGBA.rgba = output.baseAddress
            config.output.u.RGBA.stride = Int32(width * 3)
            config.output.u.RGBA.size = output.count
            status = WebPDecode(base, bytes.count, &config)
            WebPFreeDecBuffer(&config.output)
            if status != VP8_STATUS_OK { output.initialize(repeating: 0) }
        }
        if status != VP8_STATUS_OK {
            throw failure(status, source: source, stage: "decoding the pixels")
        }
        return image
    }

    private static func failure(_ status: VP8StatusCode, source: String, stage: String) -> ImageError {
        switch status {
        case VP8_STATUS_NOT_ENOUGH_DATA:
            return .truncated(path: source, format: .webp, detail: "libwebp needs more data (while \(stage))")
        case VP8_STATUS_UNSUPPORTED_FEATURE:
            return .unsupportedFormat(path: source, detail: "libwebp does not support a feature of this WebP file")
        case VP8_STATUS_OUT_OF_MEMORY:
            return .corrupt(path: source, format: .webp, detail: "libwebp ran out of memory (while \(stage))")
        case VP8_STATUS_BITSTREAM_ERROR:
            return .corrupt(path: source, format: .webp, detail: "invalid bitstream (while \(stage))")
        default:
            return .corrupt(path: source, format: .webp, detail: "libwebp status \(status.rawValue) (while \(stage))")
        }
    }
}
