import Foundation

/// Every image file under a folder (recursively by default), keyed by its path relative to
/// the folder with `/` separators, in sorted order. Files are chosen by extension; whether they
/// really decode is found out (and reported) when indexing. Hidden files and folders are skipped.
public struct ImageFolderSource: DataSource {
    public static let defaultExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    public var root: URL
    public var recursive: Bool
    /// Lower-case extensions of the files listed.
    public var extensions: Set<String>

    public init(root: URL, recursive: Bool = true, extensions: Set<String> = ImageFolderSource.defaultExtensions) {
        self.root = root
        self.recursive = recursive
        self.extensions = extensions
    }

    public func catalog() throws -> SourceCatalog {
        SourceCatalog(items: try Self.imageFiles(under: root, recursive: recursive, extensions: extensions).map { relative in
            let url = root.appendingPathComponent(relative)
            return SourceItem(key: relative, content: .file(url), fileState: try? FileState(fileAt: url))
        })
    }

    /// The matching files, in the order of their sorted relative paths.
    public func files() throws -> [URL] {
        try Self.imageFiles(under: root, recursive: recursive, extensions: extensions).map { root.appendingPathComponent($0) }
    }

    /// Relative paths of matching files under `root`, sorted.
    static func imageFiles(under root: URL, recursive: Bool, extensions: Set<String>) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataSourceError.unreadable(path: root.path, reason: "no such folder")
        }
        var found: [String] = []
        var pending: [String] = [""]
        while let relativeFolder = pending.popLast() {
            let folder = relativeFolder.isEmpty ? root : root.appendingPathComponent(relativeFolder)
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
                throw DataSourceError.unreadable(path: folder.path, reason: error.localizedDescription)
            }
            for name in names where !name.hasPrefix(".") {
                let relative = relativeFolder.isEmpty ? name : relativeFolder + "/" + name
                var childIsDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &childIsDirectory)
                if childIsDirectory.boolValue {
                    if recursive { pending.append(relative) }
                } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
                    found.append(relative)
                }
            }
        }
        return found.sorted()
    }
}
