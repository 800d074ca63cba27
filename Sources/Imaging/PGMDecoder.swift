/// PGM (Netpbm grey map; `P5` raw and `P2` plain) to RGB, as Pillow's
/// `Image.open(path).convert("RGB")` reads it: each grey sample g of maximum value M becomes
///
///     M = 255:        g
///     M < 255:        min(255, round(g / M · 255))           (round half to even, as Python's round)
///     M > 255:        min(255, round(g / M · 65535))          (Pillow's 32-bit "I" mode, clipped to 8 bits)
///
/// replicated to R, G and B. Read strictly by the Netpbm specification: the header is the magic,
/// width, height and maximum value (1…65535) separated by whitespace, with `#` comments to the end
/// of a line, and exactly one whitespace byte before the raster; a raw raster has one byte per
/// sample (two, big-endian, when M > 255); a plain raster holds decimal samples separated by
/// whitespace; no sample may exceed M. Only the first image of a multi-image file is read.
enum PGMDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, source: String, guardrail: PixelCountGuard) throws -> RGBImage {
        var position = 2  // after "P2" / "P5"
        let plain = bytes[1] == UInt8(ascii: "2")

        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        func truncated(_ detail: String) -> ImageError { .truncated(path: source, format: .pgm, detail: detail) }
        func corrupt(_ detail: String) -> ImageError { .corrupt(path: source, format: .pgm, detail: detail) }
        /// The next decimal number, after whitespace (and, in the header, comments).
        func number(_ name: String, comments: Bool) throws -> Int {
            while position < bytes.count {
                if isWhitespace(bytes[position]) {
                    position += 1
                } else if comments && bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
                } else {
                    break
                }
            }
            guard position < bytes.count else { throw truncated("the file ends before the \(name)") }
            var value = 0, digits = 0
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 0x30)
                digits += 1
                position += 1
                guard value <= 1 << 31 else { throw corrupt("the \(name) is too large") }
            }
            guard digits > 0 else {
                throw corrupt(String(format: "expected the %@ as a decimal number, found byte 0x%02X", name, bytes[position]))
            }
            guard position == bytes.count || isWhitespace(bytes[position]) || (comments && bytes[position] == UInt8(ascii: "#")) else {
                throw corrupt(String(format: "the %@ is followed by byte 0x%02X instead of whitespace", name, bytes[position]))
            }
            return value
        }

        let width = try number("width", comments: true)
        let height = try number("height", comments: true)
        let maximum = try number("maximum value", comments: true)
        guard (1...65535).contains(maximum) else { throw corrupt("the maximum value \(maximum) is outside 1…65535") }
        try guardrail.check(width: width, height: height, format: .pgm)
        guard position < bytes.count else { throw truncated("the file ends after the header") }
        guard isWhitespace(bytes[position]) else { throw corrupt("the header does not end with whitespace") }
        position += 1

        let count = width * height
        let table = levels(maximum: maximum)
        var failure: ImageError?
        let image = RGBImage(width: width, height: height) { output in
            do {
                for pixel in 0..<count {
                    let sample: Int
                    if plain {
                        sample = try number("sample \(pixel + 1) of \(count)", comments: false)
                    } else if maximum < 256 {
                        guard position < bytes.count else { throw truncated("the raster ends after \(pixel) of \(count) samples") }
                        sample = Int(bytes[position])
                        position += 1
                    } else {
                        guard position + 1 < bytes.count else { throw truncated("the raster ends after \(pixel) of \(count) samples") }
                        sample = Int(bytes[position]) << 8 | Int(bytes[position + 1])
                        position += 2
                    }
                    guard sample <= maximum else { throw corrupt("sample \(pixel + 1) is \(sample), above the maximum value \(maximum)") }
                    let grey = table[sample]
                    output[pixel * 3] = grey
                    output[pixel * 3 + 1] = grey
                    output[pixel * 3 + 2] = grey
                }
            } catch {
                failure = error as? ImageError
                output.initialize(repeating: 0)
            }
        }
        if let failure { throw failure }
        return image
    }

    /// The 8-bit grey of each sample value 0…maximum (the formulas above).
    static func levels(maximum: Int) -> [UInt8] {
        (0...maximum).map { sample in
            if maximum == 255 { return UInt8(sample) }
            let scale = maximum < 256 ? 255.0 : 65535.0
            return UInt8(min(255, (Double(sample) / Double(maximum) * scale).rounded(.toNearestOrEven)))
        }
    }
}
