import FileSystem
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
        try self.init(fileAt: FileSystemPath(url))
    }

    /// The state of the file at `path` (bytes), following symbolic links.
    public init(fileAt path: FileSystemPath) throws {
        let status: FileStatus
        do throws(FileSystemError) { status = try path.status() } catch {
            throw DatasetError.unreadable(path: path.escapedText, reason: error.reason)
        }
        self.init(size: status.size, modificationTime: status.modificationTime)
    }
}
