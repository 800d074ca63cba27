import FileSystem
import Datasets
import Foundation

/// A COCO captions file (`COCOCaptions`) as a source: items keyed by `file_name` (relative to
/// `imageRoot`), captions by annotation `id` (`annotation-<position>` without one); captions
/// are English.
public struct COCOCaptionsSource: DataSource {
    public var annotationsFile: URL
    public var imageRoot: URL

    public init(annotationsFile: URL, imageRoot: URL) {
        self.annotationsFile = annotationsFile
        self.imageRoot = imageRoot
    }

    public func catalog() throws -> SourceCatalog {
        let file = try COCOCaptions(contentsOf: annotationsFile)
        let items = file.images.map { image -> SourceItem in
            let url = imageRoot.appendingPathComponent(image.fileName)
            var metadata = ["coco_id": String(image.id)]
            if let width = image.width, let height = image.height { metadata["size"] = "\(width)x\(height)" }
            return SourceItem(key: image.fileName, content: .file(FileSystemPath(url)), fileState: try? FileState(fileAt: url), metadata: metadata)
        }
        let captions = file.captions.enumerated().map { position, caption in
            SourceCaption(key: caption.id.map(String.init) ?? "annotation-\(position)", text: caption.text, language: "en",
                          itemKeys: [file.images[caption.image].fileName])
        }
        return SourceCatalog(items: items, captions: captions)
    }
}
