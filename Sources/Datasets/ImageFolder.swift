import FileSystem
import Foundation
import Imaging

/// The image files under a folder, keyed by their paths relative to it (`/`-separated), in
/// sorted order: recursively by default, chosen by extension (`ImageFormat.decodableFileExtensions`,
/// compared case-insensitively), hidden files and folders (names starting with `.`) skipped.
/// Whether a file really decodes is found out when it is decoded.
///
/// The walk is safe on hostile trees:
/// - names are bytes (`FileSystemPath`), so a file whose name is not UTF-8 is listed and can be
///   opened; `files` holds the escaped text of each path (`PathTextEscaping`, the name itself
///   for UTF-8), `relativePaths` the bytes;
/// - folders are recognised by identity (device and inode, links followed), so a symbolic link
///   back to a folder already listed (`ln -s . loop`, or two of them, which would otherwise list
///   2^40 paths) is listed once; the skipped link is reported in `problems`;
/// - a subfolder that cannot be listed (a `lost+found`, a path longer than the system allows) and
///   an entry that cannot be examined are reported in `problems`, and the walk goes on. Only the
///   root itself must be readable.
public struct ImageFolder: Sendable, Equatable {
    /// A folder that could not be listed, an entry that could not be examined, or a link to a
    /// folder that was already listed: its path relative to the root (folders end in `/`), as
    /// escaped text, and why.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { "\(path): \(reason)" }
    }

    public let root: URL
    /// The root as bytes.
    public let rootPath: FileSystemPath
    /// Relative paths as escaped text (the names themselves when UTF-8), sorted.
    public let files: [String]
    /// The same relative paths as bytes, in the same order.
    public let relativePaths: [FileSystemPath]
    /// What could not be listed or was skipped, in walk order.
    public let problems: [Problem]

    public init(root: URL, recursive: Bool = true, extensions: Set<String> = ImageFormat.decodableFileExtensions) throws {
        try self.init(root: root, rootPath: FileSystemPath(root), recursive: recursive, extensions: extensions)
    }

    /// Lists the folder at `rootPath` (bytes: a root that is not UTF-8 works too).
    public init(rootPath: FileSystemPath, recursive: Bool = true, extensions: Set<String> = ImageFormat.decodableFileExtensions) throws {
        try self.init(root: URL(fileURLWithPath: rootPath.escapedText, isDirectory: true), rootPath: rootPath,
                      recursive: recursive, extensions: extensions)
    }

    private init(root: URL, rootPath: FileSystemPath, recursive: Bool, extensions: Set<String>) throws {
        self.root = root
        self.rootPath = rootPath
        let walk = try Self.walk(rootPath, recursive: recursive, extensions: extensions)
        relativePaths = walk.files
        files = walk.files.map(\.escapedText)
        problems = walk.problems
    }

    /// The files as URLs, in order (a name that is not UTF-8 appears as its escaped text, which
    /// Foundation cannot open: read such files through `paths`).
    public var urls: [URL] { files.map { root.appendingPathComponent($0) } }

    /// The files as byte paths below `rootPath`, in order.
    public var paths: [FileSystemPath] { relativePaths.map { rootPath.appending($0) } }

    /// Relative paths of matching files under `root`, sorted, and what could not be listed.
    static func walk(_ root: FileSystemPath, recursive: Bool, extensions: Set<String>)
        throws -> (files: [FileSystemPath], problems: [Problem]) {
        let rootStatus = try requireFolder(root)
        var visited: Set<FileIdentity> = [rootStatus.identity]
        var found: [FileSystemPath] = [], problems: [Problem] = []
        var pending: [FileSystemPath] = [FileSystemPath(bytes: [])]
        while let relativeFolder = pending.popLast() {
            let entries: [FileSystemPath]
            do throws(FileSystemError) {
                entries = try root.appending(relativeFolder).folderEntries()
            } catch {
                if relativeFolder.isEmpty { throw DatasetError.unreadable(path: root.escapedText, reason: error.reason) }
                problems.append(Problem(path: relativeFolder.escapedText + "/", reason: error.reason))
                continue
            }
            for name in entries where !name.isHidden {
                let relative = relativeFolder.appending(name)
                let matches = extensions.contains(name.lowercasedExtension)
                let status: FileStatus
                do throws(FileSystemError) {
                    status = try root.appending(relative).status()
                } catch {
                    // A matching name is listed: indexing reports why it cannot be read. Anything
                    // else that exists but cannot be examined (a path too long, a link loop) might
                    // be a folder of images, so it is reported; a dangling link to another kind of
                    // file is not.
                    if matches {
                        found.append(relative)
                    } else if case let .failed(_, _, code) = error, code != ENOENT {
                        problems.append(Problem(path: relative.escapedText, reason: error.reason))
                    }
                    continue
                }
                if status.kind == .directory {
                    guard recursive else { continue }
                    if visited.insert(status.identity).inserted {
                        pending.append(relative)
                    } else {
                        problems.append(Problem(path: relative.escapedText + "/",
                                                reason: "it leads to a folder that is already listed (a symbolic link), so it is listed once"))
                    }
                } else if matches {
                    found.append(relative)
                }
            }
        }
        return (found.sorted(), problems)
    }

    /// The status of `root`, which must be a folder.
    static func requireFolder(_ root: FileSystemPath) throws -> FileStatus {
        let status: FileStatus
        do throws(FileSystemError) { status = try root.status() } catch {
            if case let .failed(_, _, code) = error, code == ENOENT {
                throw DatasetError.unreadable(path: root.escapedText, reason: "no such folder")
            }
            throw DatasetError.unreadable(path: root.escapedText, reason: error.reason)
        }
        guard status.kind == .directory else {
            throw DatasetError.unreadable(path: root.escapedText, reason: "it is a file, not a folder")
        }
        return status
    }

    /// The visible (not hidden) subfolders of `root`, sorted by name: the class or person
    /// folders of `ClassFolders` and `PersonFolders`.
    static func visibleSubfolders(of root: FileSystemPath) throws -> [FileSystemPath] {
        _ = try requireFolder(root)
        let entries: [FileSystemPath]
        do throws(FileSystemError) { entries = try root.folderEntries() } catch {
            throw DatasetError.unreadable(path: root.escapedText, reason: error.reason)
        }
        return entries.filter { !$0.isHidden && (try? root.appending($0).status().kind) == .directory }.sorted()
    }
}
