import Foundation

extension FileSystemPath {
    /// The bytes of the regular file at this path (links followed). A FIFO, a device such as
    /// `/dev/zero`, a socket or a folder is refused with `FileSystemError.notARegularFile` before
    /// anything is read (the file is opened non-blocking, so a FIFO without a writer does not
    /// wait), and a file over `maximumSize` bytes with `FileSystemError.tooLarge`.
    public func contents(maximumSize: Int64 = .max) throws(FileSystemError) -> [UInt8] {
        let descriptor = withCString { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        guard descriptor >= 0 else { throw FileSystemError.failed(path: self, operation: "open", code: errno) }
        defer { close(descriptor) }
        var raw = stat()
        guard fstat(descriptor, &raw) == 0 else { throw FileSystemError.failed(path: self, operation: "examine", code: errno) }
        let status = FileStatus(raw)
        guard status.kind == .regularFile else { throw FileSystemError.notARegularFile(path: self, kind: status.kind) }
        guard status.size <= maximumSize else { throw FileSystemError.tooLarge(path: self, size: status.size, limit: maximumSize) }
        // The size may change while reading; read to the end, but never past the limit.
        var bytes = [UInt8](repeating: 0, count: Int(status.size))
        var filled = 0
        while true {
            if filled == bytes.count {
                guard Int64(bytes.count) < maximumSize else {
                    // At the limit: one more byte means the file grew past it.
                    var probe: UInt8 = 0
                    if read(descriptor, &probe, 1) > 0 {
                        throw FileSystemError.tooLarge(path: self, size: Int64(bytes.count) + 1, limit: maximumSize)
                    }
                    return bytes
                }
                bytes.append(contentsOf: repeatElement(0, count: Swift.min(Swift.max(bytes.count, 4096), Int(maximumSize - Int64(bytes.count)))))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError.failed(path: self, operation: "read", code: errno)
            }
            if count == 0 { return Array(bytes[..<filled]) }
            filled += count
        }
    }
}
