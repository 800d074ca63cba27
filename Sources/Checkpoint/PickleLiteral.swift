/// Decoding of pickle literals: decimal and two's-complement integers, Python 2 strings
/// (quoted `repr` text with backslash escapes) and raw-unicode-escape text (protocol 0 UNICODE).
enum PickleLiteral {
    /// Decimal integers longer than this are refused (CPython's default limit is 4300 digits).
    static let maximumDecimalDigits = 5000

    /// An integer in decimal text (optionally signed), big values as two's-complement bytes;
    /// nil when the text is not an integer.
    static func integer(decimal text: String) -> PickleValue? {
        if let value = Int(text) { return .integer(value) }
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= Self.maximumDecimalDigits, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        // Magnitude in base 256, little-endian.
        var magnitude: [UInt8] = [0]
        for digit in digits.utf8 {
            var carry = Int(digit - UInt8(ascii: "0"))
            for index in magnitude.indices {
                let product = Int(magnitude[index]) * 10 + carry
                magnitude[index] = UInt8(product & 0xFF)
                carry = product >> 8
            }
            while carry > 0 {
                magnitude.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        magnitude.append(0)  // room for the sign bit
        if negative {
            var carry = 1
            for index in magnitude.indices {
                let sum = Int(~magnitude[index]) + carry
                magnitude[index] = UInt8(sum & 0xFF)
                carry = sum >> 8
            }
        }
        return integer(littleEndian: magnitude)
    }

    /// An integer from little-endian two's-complement bytes: `Int` when it fits, else `.bigInteger`.
    static func integer(littleEndian bytes: [UInt8]) -> PickleValue {
        guard let last = bytes.last else { return .integer(0) }
        let negative = last & 0x80 != 0
        let filler: UInt8 = negative ? 0xFF : 0x00
        var count = bytes.count
        while count > 1, bytes[count - 1] == filler, (bytes[count - 2] & 0x80 != 0) == negative {
            count -= 1
        }
        guard count <= 8 else { return .bigInteger(Array(bytes[0..<count])) }
        var value: UInt64 = negative ? .max : 0
        for index in 0..<count {
            value &= ~(UInt64(0xFF) << (8 * index))
            value |= UInt64(bytes[index]) << (8 * index)
        }
        return .integer(Int(Int64(bitPattern: value)))
    }

    /// Python 2 `str` bytes: UTF-8 when valid, else Latin-1 (how PyTorch loads old checkpoints).
    static func legacyString(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// The bytes of a STRING operand: a quoted Python literal with backslash escapes.
    static func unescapedQuoted(_ line: [UInt8]) -> [UInt8]? {
        guard line.count >= 2, let quote = line.first, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""),
              line.last == quote else { return nil }
        let body = line[1..<(line.count - 1)]
        var result: [UInt8] = []
        var index = body.startIndex
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while index < body.endIndex {
            let byte = body[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else { result.append(byte); continue }
            guard index < body.endIndex else { return nil }
            let escaped = body[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): result.append(escaped)
            case UInt8(ascii: "a"): result.append(0x07)
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "v"): result.append(0x0B)
            case UInt8(ascii: "\n"): break
            case UInt8(ascii: "x"):
                guard index + 1 < body.endIndex, let high = hexValue(body[index]), let low = hexValue(body[index + 1]) else { return nil }
                result.append(high << 4 | low)
                index += 2
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < body.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(body[index]) {
                    value = value * 8 + Int(body[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                result.append(UInt8(truncatingIfNeeded: value))
            default:
                result.append(UInt8(ascii: "\\"))
                result.append(escaped)
            }
        }
        return result
    }

    /// A UNICODE operand: Latin-1 bytes where `\uXXXX` / `\UXXXXXXXX` after an odd run of
    /// backslashes are code points (Python's raw-unicode-escape codec).
    static func rawUnicodeEscape(_ line: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < line.count {
            let byte = line[index]
            guard byte == UInt8(ascii: "\\") else {
                scalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            var run = 0
            while index < line.count, line[index] == UInt8(ascii: "\\") {
                scalars.append("\\")
                run += 1
                index += 1
            }
            guard run % 2 == 1, index < line.count, line[index] == UInt8(ascii: "u") || line[index] == UInt8(ascii: "U") else { continue }
            let width = line[index] == UInt8(ascii: "u") ? 4 : 8
            guard index + width < line.count else { return nil }
            let hex = String(decoding: line[(index + 1)...(index + width)], as: UTF8.self)
            guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
            scalars.removeLast()
            scalars.append(scalar)
            index += width + 1
        }
        return String(scalars)
    }
}
