import CCodecs
import Foundation

/// Deflate data that inflates to many mebibytes of zeros, built quickly: one mebibyte of zeros is
/// compressed once with a full flush (which resets the compressor, so the same bytes encode every
/// further mebibyte) and repeated, then closed by an empty final block. About 1 KB per MiB.
enum DecompressionBomb {
    static let mebibyte = 1 << 20

    /// Raw deflate (RFC 1951, no wrapper) of `mebibytes` MiB of zeros.
    static func rawDeflate(zeroMebibytes mebibytes: Int) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var zeros = [UInt8](repeating: 0, count: mebibyte)
        var chunk = [UInt8](repeating: 0, count: mebibyte)
        let produced = zeros.withUnsafeMutableBufferPointer { input in
            chunk.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(output.count)
                precondition(deflate(&stream, Z_FULL_FLUSH) == Z_OK && stream.avail_in == 0)
                return output.count - Int(stream.avail_out)
            }
        }
        let repeated = Array(chunk[0..<produced])
        var result: [UInt8] = []
        result.reserveCapacity(repeated.count * mebibytes + 2)
        for _ in 0..<mebibytes { result += repeated }
        return result + [0x03, 0x00]  // an empty final block with fixed codes
    }

    /// The CRC-32 of `mebibytes` MiB of zeros (combined, without touching that much memory).
    static func crc32OfZeros(mebibytes: Int) -> UInt32 {
        let one = [UInt8](repeating: 0, count: mebibyte).withUnsafeBufferPointer { buffer in
            CCodecs.crc32(0, buffer.baseAddress, UInt32(buffer.count))
        }
        var crc: UInt = 0
        for _ in 0..<mebibytes { crc = crc32_combine(crc, one, off_t(mebibyte)) }
        return UInt32(crc)
    }

    /// A gzip member (RFC 1952) holding `mebibytes` MiB of zeros.
    static func gzip(zeroMebibytes mebibytes: Int) -> [UInt8] {
        let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        return header + rawDeflate(zeroMebibytes: mebibytes) + littleEndian(crc32OfZeros(mebibytes: mebibytes))
            + littleEndian(UInt32(truncatingIfNeeded: mebibytes * mebibyte))
    }
}

/// A minimal zip writer for hostile test archives: each entry's declared sizes and CRC are given
/// by the test, so an entry can claim what a bomb claims.
struct TestZipWriter {
    struct Entry {
        var name: String
        var data: [UInt8]
        /// 0 stored, 8 deflated.
        var method: UInt16
        var crc32: UInt32
        var uncompressedSize: Int
    }

    var entries: [Entry] = []

    func bytes() -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func u32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        var output: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let offset = output.count
            let common = u16(20) + u16(0) + u16(Int(entry.method)) + u16(0) + u16(0x21) + u32(Int(entry.crc32))
                + u32(entry.data.count) + u32(entry.uncompressedSize) + u16(name.count) + u16(0)
            output += u32(0x0403_4B50) + common + name + entry.data
            central += u32(0x0201_4B50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u32(0) + u32(offset) + name
        }
        let centralOffset = output.count
        output += central
        output += u32(0x0605_4B50) + u16(0) + u16(0) + u16(entries.count) + u16(entries.count) + u32(central.count)
            + u32(centralOffset) + u16(0)
        return output
    }
}
