import FileSystem
import Datasets
import Foundation

/// A COCO captions file (`COCOCaptions`) as a source: items keyed by `file_name` (relative to
/// `imageRoot`), captions by annotation `id` (`annotation-<position>` without one); captions
/// are English.
public struct COCOCaptionsSource: DataSource {
    public var annotationsFile: URL
    public var imageRoot: URL
    /// Read `file_name`s that are absolute or climb out of `imageRoot` (`DatasetImagePath`); off
    /// by default: such images are refused and reported.
    public var allowsPathsOutsideRoot: Bool

    public init(annotationsFile: URL, imageRoot: URL, allowsPathsOutsideRoot: Bool = false) {
        self.annotationsFile = annotationsFile
        self.imageRoot = imageRoot
        self.allowsPathsOutsideRoot = allowsPathsOutsideRoot
    }

    public func catalog() throws -> SourceCatalog {
        let file = try COCOCaptions(contentsOf: annotationsFile)
        let items = file.images.enumerated().map { position, image -> SourceItem in
            var metadata = ["coco_id": String(image.id)]
            if let width = image.width, let height = image.height { metadata["size"] = "\(width)x\(height)" }
            switch DatasetImagePath.resolve(image.fileName, root: imageRoot, allowingOutsideRoot: allowsPathsOutsideRoot) {
            case let .success(path):
                return SourceItem(key: image.fileName, content: .file(path), fileState: try? FileState(fileAt: path), metadata: metadata)
            case let .failure(refusal):
                return SourceItem(key: image.fileName, content: .refused(path: image.fileName, reason: "images[\(position)].file_name: \(refusal)"),
                                  fileState: nil, metadata: metadata)
            }
        }
        let captions = file.captions.enumerated().map { position, caption in
            SourceCaption(key: caption.id.map(String.init) ?? "annotation-\(position)", text: caption.text, language: "en",
                          itemKeys: [file.images[caption.image].fileName])
        }
        return SourceCatalog(items: items, captions: captions)
    }
}
