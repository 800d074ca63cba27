import Foundation

/// What a directory entry is (the `S_IFMT` bits of its mode).
public enum FileKind: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case regularFile
    case directory
    case symbolicLink
    /// A FIFO (named pipe): reading it waits for a writer.
    case fifo
    /// A character device such as `/dev/zero` (endless) or a terminal.
    case characterDevice
    case blockDevice
    case socket
    case unknown

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regularFile
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        default: self = .unknown
        }
    }

    /// The kind with its article, for messages ("a FIFO (named pipe)").
    public var description: String {
        switch self {
        case .regularFile: "a regular file"
        case .directory: "a directory"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO (named pipe)"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .socket: "a socket"
        case .unknown: "a special file"
        }
    }
}
