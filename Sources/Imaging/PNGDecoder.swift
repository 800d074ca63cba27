import CCodecs

/// PNG to RGB through libpng (`clipkit_png_decode_rgb8` in `png_rgb_reader.h`), reproducing
/// Pillow's `Image.open(path).convert("RGB")`: palettes expanded, greys replicated, alpha and
/// tRNS dropped, 16-bit samples reduced to their high byte (16-bit grey clipped to 255 as
/// Pillow's `I;16` conversion does), gamma and colour-profile chunks ignored.
enum PNGDecoder {
    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func decode(_ bytes: UnsafeRawBufferPointer, source: String, guardrail: PixelCountGuard) throws -> RGBImage {
        let (width, height) = try headerSize(bytes, source: source)
        try guardrail.check(width: width, height: height, format: .png)

        var message = [CChar](repeating: 0, count: 256)
        var status: Int32 = 1
        let image = RGBImage(width: width, height: height) { output in
            // libpng writes every byte on success; the buffer is discarded on failure.
            status = clipkit_png_decode_rgb8(
                bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count,
                output.baseAddress, UInt32(width), UInt32(height), &message)
            if status != 0 { output.initialize(repeating: 0) }
        }
        guard status == 0 else {
            let detail = String(cString: message)
            if detail.contains("truncated") || detail.contains("Not enough image data") {
                throw ImageError.truncated(path: source, format: .png, detail: detail)
            }
            throw ImageError.corrupt(path: source, format: .png, detail: detail)
        }
        return image
    }

    /// Width and height from the IHDR chunk, which the specification requires first.
    static func headerSize(_ bytes: UnsafeRawBufferPointer, source: String) throws -> (width: Int, height: Int) {
        func bigEndian32(_ offset: Int) -> Int {
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
        }
        guard bytes.count >= 24 else {
            throw ImageError.truncated(path: source, format: .png,
                                       detail: "the file ends within the header (\(bytes.count) bytes)")
        }
        guard Array(bytes.prefix(8)) == signature, bigEndian32(8) == 13,
              Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            throw ImageError.corrupt(path: source, format: .png, detail: "the first chunk is not a 13-byte IHDR")
        }
        let width = bigEndian32(16), height = bigEndian32(20)
        // The PNG specification limits each dimension to 2^31 - 1.
        guard width > 0, height > 0, width < 1 << 31, height < 1 << 31 else {
            throw ImageError.corrupt(path: source, format: .png, detail: "IHDR declares an invalid size \(width)x\(height)")
        }
        return (width, height)
    }
}
