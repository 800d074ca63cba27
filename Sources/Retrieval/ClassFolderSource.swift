import Foundation

/// The image-folder-by-class layout (`root/<class>/…/<image>`, as torchvision's ImageFolder):
/// each image is labelled with its first-level folder's name. Each class also yields one caption,
/// `captionTemplate` with `{}` replaced by the class name, linked to every image of the class,
/// so zero-shot text→image retrieval can be evaluated; image→image queries count an image of the
/// same class as relevant.
public struct ClassFolderSource: DataSource {
    public var root: URL
    /// Caption text per class; `{}` stands for the class name.
    public var captionTemplate: String
    public var extensions: Set<String>

    public init(root: URL, captionTemplate: String = "a photo of a {}.",
                extensions: Set<String> = ImageFolderSource.defaultExtensions) {
        self.root = root
        self.captionTemplate = captionTemplate
        self.extensions = extensions
    }

    public func catalog() throws -> SourceCatalog {
        let files = try ImageFolderSource.imageFiles(under: root, recursive: true, extensions: extensions)
        var items: [SourceItem] = [], membersByClass: [String: [String]] = [:]
        for relative in files {
            guard let slash = relative.firstIndex(of: "/") else { continue }  // files beside the class folders
            let label = String(relative[..<slash])
            let url = root.appendingPathComponent(relative)
            items.append(SourceItem(key: relative, content: .file(url), fileState: try? FileState(fileAt: url), label: label))
            membersByClass[label, default: []].append(relative)
        }
        let captions = membersByClass.keys.sorted().map { label in
            SourceCaption(key: "class:" + label, text: captionTemplate.replacingOccurrences(of: "{}", with: label),
                          itemKeys: membersByClass[label]!)
        }
        return SourceCatalog(items: items, captions: captions)
    }
}
