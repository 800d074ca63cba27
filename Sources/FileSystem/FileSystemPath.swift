import Foundation

/// A path as the file system stores it: a sequence of bytes without NUL, `/`-separated. Linux
/// file names need not be UTF-8 (a name written on another system, or by an old tool, can hold
/// any byte), and Foundation's `String` paths and `URL`s replace such bytes by U+FFFD, which
/// names a file that does not exist. A `FileSystemPath` keeps the bytes, so every file a folder
/// lists can be opened, examined and keyed again; `escapedText` is its lossless text form for
/// stores, key files and messages (`PathTextEscaping`), identical to the name for valid UTF-8.
///
/// (The idea is POSIX's: a path is bytes; Python keeps them with PEP 383's `surrogateescape`,
/// swift-system's `FilePath` with raw `CChar`s.)
public struct FileSystemPath: Hashable, Sendable, CustomStringConvertible {
    /// The path's bytes (never NUL).
    public let bytes: [UInt8]

    /// A path of `bytes`, which must not hold NUL.
    public init(bytes: [UInt8]) {
        precondition(!bytes.contains(0), "a file-system path cannot contain a NUL byte")
        self.bytes = bytes
    }

    /// The UTF-8 bytes of `text`, taken literally (no escapes are read).
    public init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// The path of a file URL (Foundation's paths are UTF-8).
    public init(_ url: URL) {
        self.init(url.path)
    }

    /// The path whose `escapedText` is `text`: `\xHH` escapes become their bytes.
    public init(escapedText text: String) {
        self.init(bytes: PathTextEscaping.bytes(ofEscapedText: text))
    }

    /// The lossless text form: the path itself when it is valid UTF-8 without a literal `\xHH`,
    /// else with each byte that is not UTF-8 written `\xHH` (see `PathTextEscaping`).
    public var escapedText: String { PathTextEscaping.escapedText(of: bytes) }

    public var description: String { escapedText }

    /// Whether the bytes are valid UTF-8 (then Foundation can name the file too).
    public var isValidUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    /// A file URL of this path, or nil when the path is not valid UTF-8 (no `URL` can name it).
    public var url: URL? {
        String(validating: bytes, as: UTF8.self).map { URL(fileURLWithPath: $0) }
    }

    public var isEmpty: Bool { bytes.isEmpty }

    /// Whether the path starts at the root (`/`).
    public var isAbsolute: Bool { bytes.first == Self.separator }

    /// `relative` below this path, joined by one `/` (`relative` itself when it is absolute or
    /// this path is empty).
    public func appending(_ relative: FileSystemPath) -> FileSystemPath {
        if relative.isAbsolute || isEmpty { return relative }
        if relative.isEmpty { return self }
        return FileSystemPath(bytes: bytes.last == Self.separator ? bytes + relative.bytes : bytes + [Self.separator] + relative.bytes)
    }

    /// `component` (text, taken literally) below this path.
    public func appending(_ component: String) -> FileSystemPath {
        appending(FileSystemPath(component))
    }

    /// The non-empty components between `/` separators.
    public var components: [FileSystemPath] {
        bytes.split(separator: Self.separator).map { FileSystemPath(bytes: Array($0)) }
    }

    /// The last component (empty for `/` or an empty path).
    public var lastComponent: FileSystemPath {
        components.last ?? FileSystemPath(bytes: [])
    }

    /// The path without its last component (`/` for a top-level absolute path, empty for a
    /// single relative component).
    public var parent: FileSystemPath {
        var trimmed = bytes[...]
        while trimmed.count > 1 && trimmed.last == Self.separator { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: Self.separator) else { return FileSystemPath(bytes: []) }
        return FileSystemPath(bytes: slash == trimmed.startIndex ? [Self.separator] : Array(trimmed[..<slash]))
    }

    /// The last component's extension after its last `.`, lower-cased (ASCII letters only), as
    /// escaped text; empty without one (a leading dot starts a hidden name, not an extension).
    public var lowercasedExtension: String {
        let name = lastComponent.bytes
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > name.startIndex else { return "" }
        let suffix = name[(dot + 1)...].map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        return PathTextEscaping.escapedText(of: suffix)
    }

    /// Whether the last component starts with `.` (a hidden file or folder).
    public var isHidden: Bool { lastComponent.bytes.first == UInt8(ascii: ".") }

    /// Whether any component is `..` (the path can climb above where it starts).
    public var climbsToParent: Bool {
        components.contains { $0.bytes == [UInt8(ascii: "."), UInt8(ascii: ".")] }
    }

    /// The process's working folder.
    public static var currentDirectory: FileSystemPath {
        FileSystemPath(FileManager.default.currentDirectoryPath)
    }

    /// This path when absolute, else below the working folder.
    public var absolute: FileSystemPath {
        isAbsolute ? self : Self.currentDirectory.appending(self)
    }

    static let separator = UInt8(ascii: "/")

    /// Runs `body` with the path as a NUL-terminated C string.
    func withCString<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}

extension FileSystemPath: Comparable {
    /// Ordered as their escaped texts are (which for UTF-8 paths is the order of the names as
    /// Swift strings, the order folder listings have always been sorted in).
    public static func < (left: FileSystemPath, right: FileSystemPath) -> Bool {
        left.escapedText < right.escapedText
    }
}
