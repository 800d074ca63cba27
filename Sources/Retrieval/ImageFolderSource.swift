import Datasets
import Foundation
import Imaging

/// Every image file under a folder (`ImageFolder`: recursive by default, by extension, hidden
/// files skipped), keyed by its path relative to the folder, in sorted order. Whether the files
/// really decode is found out (and reported) when indexing.
public struct ImageFolderSource: DataSource {
    public var root: URL
    public var recursive: Bool
    /// Lower-case extensions of the files listed.
    public var extensions: Set<String>

    public init(root: URL, recursive: Bool = true, extensions: Set<String> = ImageFormat.decodableFileExtensions) {
        self.root = root
        self.recursive = recursive
        self.extensions = extensions
    }

    public func catalog() throws -> SourceCatalog {
        SourceCatalog(items: try ImageFolder(root: root, recursive: recursive, extensions: extensions).files.map { relative in
            let url = root.appendingPathComponent(relative)
            return SourceItem(key: relative, content: .file(url), fileState: try? FileState(fileAt: url))
        })
    }

    /// The matching files, in the order of their sorted relative paths.
    public func files() throws -> [URL] {
        try ImageFolder(root: root, recursive: recursive, extensions: extensions).urls
    }
}
