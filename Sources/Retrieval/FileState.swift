import Datasets
import Foundation

/// The size and modification time of a file; the incremental indexer re-embeds a file only when
/// either changed since it was stored.
public struct FileState: Codable, Sendable, Equatable, Hashable {
    /// Size in bytes.
    public var size: Int64
    /// Modification time in seconds since 1970 (sub-second precision where the file system has it).
    public var modificationTime: Double

    public init(size: Int64, modificationTime: Double) {
        self.size = size
        self.modificationTime = modificationTime
    }

    /// The state of the file at `url`, following symbolic links.
    public init(fileAt url: URL) throws {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw DatasetError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
        }
        #if canImport(Darwin)
        let time = status.st_mtimespec
        #else
        let time = status.st_mtim
        #endif
        self.init(size: Int64(status.st_size), modificationTime: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
    }
}
