import CCodecs

/// JPEG to RGB through libjpeg-turbo's TurboJPEG API, configured as Pillow's JPEG plugin
/// configures libjpeg: accurate integer IDCT (`JDCT_ISLOW`) and fancy (triangle) chroma upsampling.
///
/// - YCbCr, RGB and greyscale JPEGs decode straight to RGB (grey is replicated).
/// - CMYK and YCCK JPEGs decode to CMYK, which Pillow always reads with Adobe's inverted polarity
///   (`"CMYK;I"`), then convert with Pillow's `cmyk2rgb`: with inverted samples c, m, y, k and
///   n = 255 - k, each channel is n - round(c * n / 255) (its `MULDIV255`).
/// - libjpeg warnings (corrupt but decodable data) are ignored as Pillow ignores them, except
///   "Premature end of JPEG file", which Pillow reports as a truncated image.
enum JPEGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, source: String, guardrail: PixelCountGuard) throws -> RGBImage {
        guard let handle = tjInitDecompress() else {
            throw ImageError.corrupt(path: source, format: .jpeg, detail: "TurboJPEG could not create a decompressor")
        }
        defer { tjDestroy(handle) }
        let buffer = bytes.bindMemory(to: UInt8.self)
        guard let base = buffer.baseAddress else { throw ImageError.emptyFile(path: source) }

        // Header first: dimensions are checked before any pixel allocation.
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) != 0 {
            throw failure(handle: handle, source: source, stage: "reading the header")
        }
        try guardrail.check(width: Int(width), height: Int(height), format: .jpeg)

        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let pixelFormat = isCMYK ? TJPF_CMYK : TJPF_RGB
        let channels = isCMYK ? 4 : 3
        // TJFLAG_LIMITSCANS rejects progressive files with absurd scan counts (a CPU-time bomb).
        let flags = Int32(TJFLAG_LIMITSCANS)
        var decoded = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        let status = decoded.withUnsafeMutableBufferPointer { output in
            tjDecompress2(handle, base, UInt(bytes.count), output.baseAddress, width,
                          width * Int32(channels), height, Int32(pixelFormat.rawValue), flags)
        }
        if status != 0 {
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            let message = errorMessage(handle)
            if !isWarning || message.contains("Premature end of JPEG file") {
                throw failure(handle: handle, source: source, stage: "decoding the pixels")
            }
        }
        if !isCMYK {
            return RGBImage(width: Int(width), height: Int(height), pixels: decoded)
        }
        return convertInvertedCMYK(decoded, width: Int(width), height: Int(height))
    }

    /// Pillow's `"CMYK;I"` unpacking followed by its `cmyk2rgb` conversion.
    static func convertInvertedCMYK(_ cmyk: [UInt8], width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height) { output in
            cmyk.withUnsafeBufferPointer { input in
                for pixel in 0..<(width * height) {
                    // Stored samples are inverted: the stored black sample is 255 - k, i.e. n.
                    let remaining = Int(input[pixel * 4 + 3])
                    for channel in 0..<3 {
                        let ink = 255 - Int(input[pixel * 4 + channel])
                        let product = ink * remaining + 128
                        let scaled = ((product >> 8) + product) >> 8
                        output[pixel * 3 + channel] = UInt8(clamping: remaining - scaled)
                    }
                }
            }
        }
    }

    private static func errorMessage(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: text)
    }

    private static func failure(handle: tjhandle, source: String, stage: String) -> ImageError {
        let message = errorMessage(handle)
        if message.contains("Premature end of JPEG file") {
            return .truncated(path: source, format: .jpeg, detail: "\(message) (while \(stage))")
        }
        return .corrupt(path: source, format: .jpeg, detail: "\(message) (while \(stage))")
    }
}
