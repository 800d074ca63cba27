#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped into memory with private copy-on-write pages.
///
/// The mapping is the owner of zero-copy tensor storages: a `Tensor` viewing it keeps it alive.
/// Pages are mapped writable but private, so a tensor written in place never reaches the file.
final class MemoryMappedFile: @unchecked Sendable {
    /// The path the file was opened with, for error messages.
    let path: String
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CheckpointError.fileSystem(path: path, reason: Self.systemMessage())
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CheckpointError.fileSystem(path: path, reason: Self.systemMessage())
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.fileSystem(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        self.path = path
        if size == 0 {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw CheckpointError.fileSystem(path: path, reason: "mmap failed: \(Self.systemMessage())")
        }
        mapping = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let mapping { munmap(mapping, bytes.count) }
    }

    /// The bytes `range` of the file, kept alive by this mapping.
    func region(_ range: Range<Int>) -> ByteRegion {
        ByteRegion(bytes: UnsafeRawBufferPointer(rebasing: bytes[range]), owner: self)
    }

    private static func systemMessage() -> String { String(cString: strerror(errno)) }
}
