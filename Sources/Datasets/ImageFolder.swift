import Foundation
import Imaging

/// The image files under a folder, keyed by their paths relative to it (`/`-separated), in
/// sorted order: recursively by default, chosen by extension (`ImageFormat.decodableFileExtensions`,
/// compared case-insensitively), hidden files and folders (names starting with `.`) skipped.
/// Whether a file really decodes is found out when it is decoded.
public struct ImageFolder: Sendable, Equatable {
    public let root: URL
    /// Relative paths, sorted.
    public let files: [String]

    public init(root: URL, recursive: Bool = true, extensions: Set<String> = ImageFormat.decodableFileExtensions) throws {
        self.root = root
        files = try Self.listing(root, recursive: recursive, extensions: extensions)
    }

    /// The files as URLs, in order.
    public var urls: [URL] { files.map { root.appendingPathComponent($0) } }

    /// Relative paths of matching files under `root`, sorted.
    static func listing(_ root: URL, recursive: Bool, extensions: Set<String>) throws -> [String] {
        guard isFolder(root) else {
            throw DatasetError.unreadable(path: root.path, reason: FileManager.default.fileExists(atPath: root.path)
                                          ? "it is a file, not a folder" : "no such folder")
        }
        var found: [String] = []
        var pending: [String] = [""]
        while let relativeFolder = pending.popLast() {
            for name in try visibleEntries(of: relativeFolder.isEmpty ? root : root.appendingPathComponent(relativeFolder)) {
                let relative = relativeFolder.isEmpty ? name : relativeFolder + "/" + name
                if isFolder(root.appendingPathComponent(relative)) {
                    if recursive { pending.append(relative) }
                } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
                    found.append(relative)
                }
            }
        }
        return found.sorted()
    }

    /// The names in `folder` that do not start with `.`, unsorted.
    static func visibleEntries(of folder: URL) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        } catch {
            throw DatasetError.unreadable(path: folder.path, reason: error.localizedDescription)
        }
    }

    /// Whether `url` is a folder (following symbolic links).
    static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
