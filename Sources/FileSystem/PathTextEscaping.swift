/// The reversible text form of a byte path (`FileSystemPath.escapedText`).
///
/// Valid UTF-8 is copied; each byte that does not belong to a valid UTF-8 sequence is written as
/// `\xHH` (two upper-case hex digits); a literal backslash that is followed by `x` and two hex
/// digits is written `\x5C`, so that it cannot be mistaken for an escape. Reading turns every
/// `\xHH` back into its byte and copies everything else. Every path survives the round trip, and
/// any path that is valid UTF-8 without a literal `\xHH` is its own text, so stores and key files
/// written before byte paths keep their keys. (Python's `backslashreplace` error handler writes the
/// same escapes, but cannot be reversed; this form can.)
public enum PathTextEscaping {
    /// The escaped text of `bytes`.
    public static func escapedText<Bytes: Collection>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let bytes = Array(bytes)
        if let text = String(validating: bytes, as: UTF8.self), !containsEscapeLookalike(bytes) { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == backslash && startsEscape(bytes, at: index) {
                output += escape(backslash)
                index += 1
                continue
            }
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                output += bytes[index..<(index + length)]
                index += length
            } else {
                output += escape(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes whose escaped text is `text` (`\x00` is kept as text: paths hold no NUL).
    public static func bytes(ofEscapedText text: String) -> [UInt8] {
        let input = Array(text.utf8)
        guard input.contains(backslash) else { return input }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == backslash, startsEscape(input, at: index),
               let value = UInt8(String(decoding: input[(index + 2)..<(index + 4)], as: UTF8.self), radix: 16), value != 0 {
                output.append(value)
                index += 4
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return output
    }

    private static let backslash = UInt8(ascii: "\\")

    /// `\xHH` for one byte.
    private static func escape(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [backslash, UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
    }

    /// Whether `bytes[index...]` reads `\x` and two hex digits.
    private static func startsEscape(_ bytes: [UInt8], at index: Int) -> Bool {
        index + 3 < bytes.count && bytes[index] == backslash && bytes[index + 1] == UInt8(ascii: "x")
            && isHexDigit(bytes[index + 2]) && isHexDigit(bytes[index + 3])
    }

    private static func containsEscapeLookalike(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { bytes[$0] == backslash && startsEscape(bytes, at: $0) }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// The length of the valid UTF-8 sequence starting at `index` (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF), or 0 when the byte there does not start one.
    static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return 0
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return 0 }
        return length
    }
}
