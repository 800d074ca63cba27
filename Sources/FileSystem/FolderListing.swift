import Foundation

extension FileSystemPath {
    /// The names in the folder at this path (`.` and `..` left out), unsorted, as the file system
    /// stores them (bytes, not necessarily UTF-8). Throws `FileSystemError.failed` when the folder
    /// cannot be opened or read (permission, not a folder, a path too long).
    public func folderEntries() throws(FileSystemError) -> [FileSystemPath] {
        guard let folder = withCString({ opendir($0) }) else {
            throw FileSystemError.failed(path: self, operation: "list", code: errno)
        }
        defer { closedir(folder) }
        var names: [FileSystemPath] = []
        while true {
            errno = 0
            guard let entry = readdir(folder) else {
                if errno != 0 { throw FileSystemError.failed(path: self, operation: "list", code: errno) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(FileSystemPath(bytes: name))
        }
    }
}
