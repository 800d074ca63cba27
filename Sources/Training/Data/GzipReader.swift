import CCodecs
import Foundation

/// Reads files that may be gzip-compressed (RFC 1952), inflating them through zlib with
/// `windowBits = 16 + 15` so zlib checks the header and the CRC-32 trailer.
enum GzipReader {
    /// The file's bytes, inflated when they start with the gzip magic `1f 8b`.
    static func contents(of url: URL) throws -> [UInt8] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DatasetError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B else { return bytes }
        return try inflate(bytes, path: url.path)
    }

    /// Inflates every gzip member of `bytes` in turn.
    static func inflate(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var consumed = 0
        while consumed < bytes.count {
            var stream = z_stream()
            var status = inflateInit2_(&stream, 16 + 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw DatasetError.corruptGzip(path: path, reason: "inflateInit2 returned \(status)") }
            defer { inflateEnd(&stream) }
            let start = consumed
            try bytes.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + start)
                stream.avail_in = UInt32(input.count - start)
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = UInt32(buffer.count)
                        return CCodecs.inflate(&stream, Z_NO_FLUSH)
                    }
                    output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                    if status == Z_BUF_ERROR && stream.avail_in == 0 {
                        throw DatasetError.corruptGzip(path: path, reason: "the data ends before the gzip trailer")
                    }
                    guard status == Z_OK || status == Z_STREAM_END else {
                        throw DatasetError.corruptGzip(path: path, reason: stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
                    }
                } while status != Z_STREAM_END
            }
            consumed = bytes.count - Int(stream.avail_in)
            if bytes[consumed...].allSatisfy({ $0 == 0 }) { break }
        }
        return output
    }
}
