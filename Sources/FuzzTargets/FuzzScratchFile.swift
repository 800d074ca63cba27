import Foundation

/// The one file a fuzzing process writes each input to, for readers that take a path: created
/// once per process and extension under a private folder (in `/dev/shm` when it exists), so a
/// run of millions of inputs does no more than rewrite it; removed with `removeAll()`.
public final class FuzzScratchFile: @unchecked Sendable {
    /// Writing the input failed (the disk, not the reader).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The private folder.
    public let folder: URL

    public init() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        folder = base.appendingPathComponent("clipkit-fuzz-\(getpid())-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `input.<extension>` in the folder, replacing what was there.
    public func write(_ bytes: UnsafeRawBufferPointer, extension fileExtension: String) throws -> URL {
        let url = folder.appendingPathComponent("input.\(fileExtension)")
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot write \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            guard count > 0 else { throw Failure(description: "cannot write \(url.path): \(String(cString: strerror(errno)))") }
            written += count
        }
        return url
    }

    /// Removes the folder.
    public func removeAll() {
        try? FileManager.default.removeItem(at: folder)
    }
}
