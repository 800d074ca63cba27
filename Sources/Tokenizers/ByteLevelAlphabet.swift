/// The reversible byte-to-character table of GPT-2's byte-level BPE (Radford et al. 2019), which
/// CLIP reuses: the 188 printable bytes `!`…`~`, `¡`…`¬`, `®`…`ÿ` stand for themselves; the other
/// 68 bytes (controls, space, DEL, NBSP, soft hyphen) are shifted to U+0100 onwards in byte order,
/// so every byte becomes a visible character and BPE never sees whitespace or controls.
enum ByteLevelAlphabet {
    /// Bytes in vocabulary order: the printable ranges first, then the shifted bytes.
    static let bytesInVocabularyOrder: [UInt8] = {
        let printable = Array(UInt8(0x21)...0x7E) + Array(UInt8(0xA1)...0xAC) + Array(UInt8(0xAE)...0xFF)
        let shifted = (0...255).map(UInt8.init).filter { !printable.contains($0) }
        return printable + shifted
    }()

    /// The character that stands for each byte.
    static let characterForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var nextShifted: UInt32 = 0x100
        for byte in 0...255 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(nextShifted)!
                nextShifted += 1
            }
        }
        return table
    }()

    /// The byte each alphabet character stands for.
    static let byteForCharacter: [Unicode.Scalar: UInt8] = {
        var table: [Unicode.Scalar: UInt8] = [:]
        for byte in 0...255 { table[characterForByte[byte]] = UInt8(byte) }
        return table
    }()

    /// A byte string written in the alphabet.
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(characterForByte[Int(byte)]) }
        return String(scalars)
    }

    /// The bytes an alphabet string stands for, or nil if it holds a character outside the alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            guard let byte = byteForCharacter[scalar] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
