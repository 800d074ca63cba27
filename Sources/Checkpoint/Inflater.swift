import CCodecs

/// zlib's inflate (deflate, RFC 1951) in the two wrappings CLIPKit reads, and CRC-32:
/// - raw deflate of the entries of zip archives (PyTorch checkpoints), into a buffer of the
///   declared size;
/// - gzip files (RFC 1952: the CLIP BPE vocabulary, Fashion-MNIST's idx files), with zlib's
///   `windowBits = 16 + 15` so zlib parses each member's header and checks its CRC-32 and length
///   trailer; concatenated members are inflated one after another and zero padding after the last
///   member is tolerated, as `gunzip` does.
///
/// Failures carry a reason; the caller wraps it in its own error type with the file's name.
public enum Inflater {
    /// Why inflating failed.
    public struct Failure: Error, Equatable, Sendable {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    /// zlib counts in 32-bit units: input and output are handed over in chunks of at most this.
    static let chunkLimit = Int(UInt32.max / 2)

    /// Inflates raw deflate data (no zlib or gzip wrapper) that must produce exactly `destination.count` bytes.
    static func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(Failure) {
        var stream = z_stream()
        let windowBits: Int32 = -15  // raw deflate
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure("zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        let spare = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        defer { spare.deallocate() }

        var consumed = 0
        var produced = 0
        while true {
            let inputCount = min(chunkLimit, source.count - consumed)
            let outputCount = min(chunkLimit, destination.count - produced)
            stream.next_in = inputCount > 0
                ? UnsafeMutablePointer(mutating: source.baseAddress!.advanced(by: consumed).assumingMemoryBound(to: UInt8.self))
                : nil
            stream.avail_in = UInt32(inputCount)
            if outputCount > 0 {
                stream.next_out = destination.baseAddress!.advanced(by: produced).assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(outputCount)
            } else {
                // Room for one byte to detect a stream longer than declared.
                stream.next_out = spare
                stream.avail_out = 1
            }
            let status = CCodecs.inflate(&stream, Z_NO_FLUSH)
            let usedInput = inputCount - Int(stream.avail_in)
            let usedOutput = (outputCount > 0 ? outputCount : 1) - Int(stream.avail_out)
            consumed += usedInput
            if outputCount > 0 {
                produced += usedOutput
            } else if usedOutput > 0 {
                throw Failure("deflate stream is longer than its declared size of \(destination.count) bytes")
            }
            switch status {
            case Z_STREAM_END:
                guard produced == destination.count else {
                    throw Failure("deflate stream ends after \(produced) of \(destination.count) declared bytes")
                }
                return
            case Z_OK, Z_BUF_ERROR:
                if usedInput == 0 && usedOutput == 0 { throw Failure("deflate stream is truncated") }
            default:
                throw Failure("deflate stream is corrupt (\(message(of: stream, status: status)))")
            }
        }
    }

    /// Whether `bytes` start with the gzip magic `1f 8b`.
    public static func isGzip<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    /// The most bytes `gunzip` produces unless told otherwise (1 GiB: Fashion-MNIST's largest idx
    /// file inflates to 47 MB); a gzip bomb stops there with a `Failure`.
    public static let defaultMaximumGunzipSize = 1 << 30

    /// The inflated contents of gzip data: every member in turn, at most `maximumSize` bytes.
    public static func gunzip(_ bytes: [UInt8], maximumSize: Int = defaultMaximumGunzipSize) throws(Failure) -> [UInt8] {
        do {
            return try bytes.withUnsafeBytes { input in try gunzip(input, maximumSize: maximumSize) }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure("\(error)")
        }
    }

    /// The inflated contents of gzip data: every member in turn, at most `maximumSize` bytes.
    public static func gunzip(_ input: UnsafeRawBufferPointer, maximumSize: Int = defaultMaximumGunzipSize) throws(Failure) -> [UInt8] {
        guard isGzip(input) else { throw Failure("the data does not start with the gzip magic 1f 8b") }
        var output: [UInt8] = []
        output.reserveCapacity(min(input.count * 4, maximumSize))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var offset = 0  // the first byte zlib has not consumed
        var member = 0
        while offset < input.count {
            member += 1
            var stream = z_stream()
            guard inflateInit2_(&stream, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw Failure("zlib could not start inflating")
            }
            defer { inflateEnd(&stream) }
            var fed = offset  // the first byte not yet handed to zlib
            var status: Int32
            repeat {
                if stream.avail_in == 0 && fed < input.count {
                    let count = min(chunkLimit, input.count - fed)
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: fed).assumingMemoryBound(to: UInt8.self))
                    stream.avail_in = UInt32(count)
                    fed += count
                }
                status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return CCodecs.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard output.count + produced <= maximumSize else {
                    throw Failure("the data inflates to more than \(maximumSize) bytes (a decompression bomb?)")
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_BUF_ERROR {
                    // No progress with a fresh output chunk: the input ran out.
                    throw Failure("gzip member \(member) ends before its trailer (the data is truncated)")
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw Failure("gzip member \(member) is corrupt (\(message(of: stream, status: status)))")
                }
            } while status != Z_STREAM_END
            offset = fed - Int(stream.avail_in)
            if UnsafeRawBufferPointer(rebasing: input[offset...]).allSatisfy({ $0 == 0 }) { break }
        }
        return output
    }

    private static func message(of stream: z_stream, status: Int32) -> String {
        stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
    }

    /// CRC-32 of `bytes` (ISO-HDLC: polynomial 0x04C11DB7 reflected, initial value and final xor
    /// 0xFFFFFFFF; the checksum of zip, gzip and PNG), by zlib's `crc32`.
    public static func crc32(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        var value = CCodecs.crc32(0, nil, 0)
        var offset = 0
        let chunk = 1 << 30
        while offset < bytes.count {
            let count = min(chunk, bytes.count - offset)
            value = CCodecs.crc32(value, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(count))
            offset += count
        }
        return UInt32(value)
    }
}
