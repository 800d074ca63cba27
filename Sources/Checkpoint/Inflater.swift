import CCodecs

/// zlib's raw deflate decoder and CRC-32, as zip entries need them.
enum Inflater {
    /// Inflates raw deflate data (no zlib or gzip wrapper) that must produce exactly `expectedCount` bytes.
    /// Returns nil with a reason when the stream is corrupt or its length differs.
    static func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> String? {
        var stream = z_stream()
        let windowBits: Int32 = -15  // raw deflate
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return "zlib could not start inflating"
        }
        defer { inflateEnd(&stream) }
        let spare = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        defer { spare.deallocate() }

        // zlib counts in 32-bit units: feed both sides in chunks.
        let chunk = Int(UInt32.max / 2)
        var consumed = 0
        var produced = 0
        while true {
            let inputCount = min(chunk, source.count - consumed)
            let outputCount = min(chunk, destination.count - produced)
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
                return "deflate stream is longer than its declared size of \(destination.count) bytes"
            }
            switch status {
            case Z_STREAM_END:
                return produced == destination.count
                    ? nil : "deflate stream ends after \(produced) of \(destination.count) declared bytes"
            case Z_OK:
                if usedInput == 0 && usedOutput == 0 { return "deflate stream is truncated" }
            case Z_BUF_ERROR:
                if usedInput == 0 && usedOutput == 0 { return "deflate stream is truncated" }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                return "deflate stream is corrupt (\(message))"
            }
        }
    }

    /// CRC-32 (zip's checksum) of `bytes`.
    static func crc32(of bytes: UnsafeRawBufferPointer) -> UInt32 {
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
