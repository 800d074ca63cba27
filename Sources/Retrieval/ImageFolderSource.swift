import FileSystem
import Datasets
import Foundation
import Imaging

/// Every image file under a folder (`ImageFolder`: recursive by default, by extension, hidden
/// files skipped), keyed by its path relative to the folder (escaped text for names that are not
/// UTF-8, `PathTextEscaping`), in sorted order. Whether the files really decode is found out (and
/// reported) when indexing; folders that cannot be listed and link loops are reported in the
/// catalog's `listingProblems`.
public struct ImageFolderSource: DataSource {
    public var root: FileSystemPath
    public var recursive: Bool
    /// Lower-case extensions of the files listed.
    public var extensions: Set<String>

    public init(root: URL, recursive: Bool = true, extensions: Set<String> = ImageFormat.decodableFileExtensions) {
        self.init(root: FileSystemPath(root), recursive: recursive, extensions: extensions)
    }

    public init(root: FileSystemPath, recursive: Bool = true, extensions: Set<String> = ImageFormat.decodableFileExtensions) {
        self.root = root
        self.recursive = recursive
        self.extensions = extensions
    }

    public func catalog() throws -> SourceCatalog {
        let folder = try ImageFolder(rootPath: root, recursive: recursive, extensions: extensions)
        let items = zip(folder.files, folder.paths).map { key, path in
            SourceItem(key: key, content: .file(path), fileState: try? FileState(fileAt: path))
        }
        return SourceCatalog(items: items, listingProblems: folder.problems)
    }

    /// The matching files, in the order of their sorted relative paths, and what could not be listed.
    public func files() throws -> (paths: [FileSystemPath], problems: [ImageFolder.Problem]) {
        let folder = try ImageFolder(rootPath: root, recursive: recursive, extensions: extensions)
        return (folder.paths, folder.problems)
    }
}
