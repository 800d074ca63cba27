import Foundation

/// Why a path could not be examined, listed or read. Paths are shown in their escaped text form
/// (`FileSystemPath.escapedText`); messages never show a file's contents.
public enum FileSystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed with `errno` `code`; `operation` is the verb ("open", "list", "examine").
    case failed(path: FileSystemPath, operation: String, code: Int32)
    /// The path is not a regular file (a FIFO, a device, a folder…), so it is not read.
    case notARegularFile(path: FileSystemPath, kind: FileKind)
    /// The file is larger than the reader accepts.
    case tooLarge(path: FileSystemPath, size: Int64, limit: Int64)

    /// The path the error is about.
    public var path: FileSystemPath {
        switch self {
        case let .failed(path, _, _), let .notARegularFile(path, _), let .tooLarge(path, _, _): path
        }
    }

    /// What is wrong, without the path (for messages that name it already).
    public var reason: String {
        switch self {
        case let .failed(path, operation, code):
            return Self.explain(code, path: path, operation: operation)
        case let .notARegularFile(_, kind):
            return "it is \(kind), not a regular file"
        case let .tooLarge(_, size, limit):
            return "the file is \(size) bytes, over the limit of \(limit) bytes"
        }
    }

    public var description: String { "\(path.escapedText): \(reason)" }

    /// `errno` in words, with the ones users meet on hostile trees spelled out.
    static func explain(_ code: Int32, path: FileSystemPath, operation: String) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "cannot \(operation) it: permission denied"
        case ELOOP: return "cannot \(operation) it: too many levels of symbolic links (a link that leads back to itself)"
        case ENAMETOOLONG:
            return "cannot \(operation) it: the path is \(path.bytes.count) bytes long, over the system's limit "
                + "(\(Int(PATH_MAX)) bytes for a path, \(Int(NAME_MAX)) for one name)"
        default: return "cannot \(operation) it: " + String(cString: strerror(code))
        }
    }
}
