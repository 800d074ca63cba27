import FileSystem
import Datasets
import Foundation
import Imaging

/// Class folders (`ClassFolders`: `root/<class>/…/<image>`, as torchvision's ImageFolder) as a
/// source: each image is labelled with its class's name. Each class with images also yields one
/// caption, `captionTemplate` with `{}` replaced by the class name, linked to every image of the
/// class, so zero-shot text→image retrieval can be evaluated; image→image queries count an image
/// of the same class as relevant.
public struct ClassFolderSource: DataSource {
    public var root: URL
    /// Caption text per class; `{}` stands for the class name.
    public var captionTemplate: String
    /// Class names by folder (`ClassNamesFile`); nil: the folder names.
    public var classNamesFile: URL?
    public var extensions: Set<String>

    public init(root: URL, captionTemplate: String = "a photo of a {}.", classNamesFile: URL? = nil,
                extensions: Set<String> = ImageFormat.decodableFileExtensions) {
        self.root = root
        self.captionTemplate = captionTemplate
        self.classNamesFile = classNamesFile
        self.extensions = extensions
    }

    public func catalog() throws -> SourceCatalog {
        let folders = try ClassFolders(root: root, classNamesFile: classNamesFile, extensions: extensions)
        var membersByClass = [[String]](repeating: [], count: folders.classNames.count)
        let items = folders.images.map { image in
            let path = folders.path(of: image)
            membersByClass[image.label].append(image.path)
            return SourceItem(key: image.path, content: .file(path), fileState: try? FileState(fileAt: path),
                              label: folders.classNames[image.label])
        }
        let captions = folders.classNames.indices.filter { !membersByClass[$0].isEmpty }.map { label in
            SourceCaption(key: "class:" + folders.folderNames[label],
                          text: captionTemplate.replacingOccurrences(of: "{}", with: folders.classNames[label]),
                          itemKeys: membersByClass[label])
        }
        return SourceCatalog(items: items, captions: captions, listingProblems: folders.problems)
    }
}
