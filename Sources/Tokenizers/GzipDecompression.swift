import CCodecs
import Foundation

/// Gzip decompression (RFC 1952) through zlib's `inflate` with `windowBits = 16 + 15`, which
/// makes zlib parse the gzip header and check the CRC-32 trailer. Concatenated members are
/// decompressed one after another, as `gunzip` does.
enum GzipDecompression {
    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    static func decompress(_ data: Data) throws -> Data {
        var output = Data()
        let input = [UInt8](data)
        var consumed = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while consumed < input.count {
            var stream = z_stream()
            var status = inflateInit2_(&stream, 16 + 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw TokenizerError.corruptGzip(reason: "inflateInit2 returned \(status)") }
            defer { inflateEnd(&stream) }
            let memberStart = consumed
            try input.withUnsafeBufferPointer { inputBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress! + memberStart)
                stream.avail_in = UInt32(input.count - memberStart)
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                        stream.next_out = chunkBuffer.baseAddress
                        stream.avail_out = UInt32(chunkBuffer.count)
                        return inflate(&stream, Z_NO_FLUSH)
                    }
                    let produced = chunk.count - Int(stream.avail_out)
                    output.append(contentsOf: chunk[0..<produced])
                    if status == Z_BUF_ERROR && stream.avail_in == 0 {
                        throw TokenizerError.corruptGzip(reason: "the stream ends before the gzip trailer")
                    }
                    guard status == Z_OK || status == Z_STREAM_END else {
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                        throw TokenizerError.corruptGzip(reason: message)
                    }
                } while status != Z_STREAM_END
            }
            consumed = input.count - Int(stream.avail_in)
            // Trailing zero padding after the last member is tolerated, as gunzip does.
            if input[consumed...].allSatisfy({ $0 == 0 }) { break }
        }
        return output
    }
}
