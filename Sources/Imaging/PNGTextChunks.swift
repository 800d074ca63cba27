import Checkpoint
import Foundation

/// Text metadata in PNG files (PNG specification §11.3.3): `iTXt` chunks carrying UTF-8 text under
/// a Latin-1 keyword, inserted right after the header chunk, and read back from `iTXt` and `tEXt`
/// chunks. Generators record their settings this way (the `parameters` keyword of Stable
/// Diffusion front ends); every chunk's CRC-32 is checked on reading.
public enum PNGTextChunks {
    /// Why PNG text could not be written or read.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `png` with one `iTXt` chunk per entry after `IHDR`. Keywords are 1–79 printable Latin-1
    /// characters, as the specification requires.
    public static func inserting(_ entries: [(keyword: String, text: String)], into png: Data) throws -> Data {
        let bytes = [UInt8](png)
        guard bytes.count >= 33, Array(bytes.prefix(8)) == signature, String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else {
            throw Failure(description: "not a PNG file starting with its IHDR chunk")
        }
        let headerEnd = 8 + 12 + Int(readUInt32(bytes, at: 8))
        var output = Array(bytes[..<headerEnd])
        for (keyword, text) in entries {
            guard (1...79).contains(keyword.unicodeScalars.count),
                  keyword.unicodeScalars.allSatisfy({ (32...126).contains($0.value) || (161...255).contains($0.value) }) else {
                throw Failure(description: "PNG text keyword \"\(keyword)\" must be 1–79 printable Latin-1 characters")
            }
            // keyword, 0, compression flag 0, method 0, empty language tag, 0, empty translated keyword, 0, text.
            let payload = keyword.unicodeScalars.map { UInt8($0.value) } + [0, 0, 0, 0, 0] + Array(text.utf8)
            output += chunk(type: "iTXt", payload)
        }
        output += bytes[headerEnd...]
        return Data(output)
    }

    /// Every uncompressed `iTXt` and `tEXt` entry of `png`, in file order.
    public static func read(from png: Data) throws -> [(keyword: String, text: String)] {
        let bytes = [UInt8](png)
        guard bytes.count >= 8, Array(bytes.prefix(8)) == signature else { throw Failure(description: "not a PNG file") }
        var entries: [(keyword: String, text: String)] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = Int(readUInt32(bytes, at: offset))
            guard offset + 12 + length <= bytes.count else { throw Failure(description: "a chunk runs past the end of the file") }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let stored = readUInt32(bytes, at: offset + 8 + length)
            guard stored == crc(Array(bytes[(offset + 4)..<(offset + 8 + length)])) else {
                throw Failure(description: "the \(type) chunk at byte \(offset) fails its CRC")
            }
            if type == "tEXt", let zero = data.firstIndex(of: 0) {
                entries.append((latin1(data[..<zero]), latin1(data[(zero + 1)...])))
            } else if type == "iTXt", let zero = data.firstIndex(of: 0), zero + 2 < data.count, data[zero + 1] == 0 {
                var rest = data[(zero + 3)...]
                guard let language = rest.firstIndex(of: 0) else { throw Failure(description: "a malformed iTXt chunk") }
                rest = rest[(language + 1)...]
                guard let translated = rest.firstIndex(of: 0) else { throw Failure(description: "a malformed iTXt chunk") }
                entries.append((latin1(data[..<zero]), String(decoding: rest[(translated + 1)...], as: UTF8.self)))
            }
            if type == "IEND" { break }
            offset += 12 + length
        }
        return entries
    }

    private static func chunk(type: String, _ payload: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + payload
        return bigEndian(UInt32(payload.count)) + typed + bigEndian(crc(typed))
    }

    private static func crc(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { Inflater.crc32(of: $0) } }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func latin1<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
