import Foundation

/// What `stat(2)` says about a path: its kind, size, modification time and identity (device and
/// inode, the same for every path that leads to the same file or folder, links included).
public struct FileStatus: Sendable, Equatable {
    public var kind: FileKind
    /// Size in bytes.
    public var size: Int64
    /// Modification time in seconds since 1970 (sub-second where the file system has it).
    public var modificationTime: Double
    /// The file's identity: (device, inode).
    public var identity: FileIdentity
}

/// A file or folder's identity on this machine, whatever path leads to it: a folder walk keeps
/// the identities it has listed, so a link back to a listed folder is not listed again.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
}

extension FileSystemPath {
    /// The status of the file or folder at this path; `followingLinks` false describes a link
    /// itself (`lstat`). Throws `FileSystemError.failed` (no such file, permission, a link loop, a
    /// path too long).
    public func status(followingLinks: Bool = true) throws(FileSystemError) -> FileStatus {
        var raw = stat()
        let result = withCString { followingLinks ? stat($0, &raw) : lstat($0, &raw) }
        guard result == 0 else { throw FileSystemError.failed(path: self, operation: "examine", code: errno) }
        return FileStatus(raw)
    }
}

extension FileStatus {
    init(_ raw: stat) {
        #if canImport(Darwin)
        let time = raw.st_mtimespec
        #else
        let time = raw.st_mtim
        #endif
        self.init(kind: FileKind(mode: raw.st_mode), size: Int64(raw.st_size),
                  modificationTime: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9,
                  identity: FileIdentity(device: UInt64(raw.st_dev), inode: UInt64(raw.st_ino)))
    }
}
