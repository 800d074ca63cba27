import Foundation

/// A COCO captions file (`captions_train2017.json` layout): `images` with `id` and `file_name`,
/// `annotations` with `image_id` and `caption`, about five captions per image. Items are keyed by
/// `file_name` (relative to `imageRoot`), captions by annotation `id`; captions are English.
public struct COCOCaptionsSource: DataSource {
    public var annotationsFile: URL
    public var imageRoot: URL

    public init(annotationsFile: URL, imageRoot: URL) {
        self.annotationsFile = annotationsFile
        self.imageRoot = imageRoot
    }

    struct File: Decodable {
        struct Image: Decodable {
            var id: Int64
            var file_name: String
            var width: Int?
            var height: Int?
        }
        struct Annotation: Decodable {
            var id: Int64?
            var image_id: Int64
            var caption: String
        }
        var images: [Image]
        var annotations: [Annotation]
    }

    public func catalog() throws -> SourceCatalog {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: annotationsFile))
        } catch let error as DecodingError {
            throw DataSourceError.malformed(path: annotationsFile.path, line: 0,
                                            reason: "not a COCO captions file (needs \"images\" and \"annotations\"): \(Self.describe(error))")
        } catch {
            throw DataSourceError.unreadable(path: annotationsFile.path, reason: error.localizedDescription)
        }
        var fileNames: [Int64: String] = [:]
        let items = file.images.map { image -> SourceItem in
            fileNames[image.id] = image.file_name
            let url = imageRoot.appendingPathComponent(image.file_name)
            var metadata = ["coco_id": String(image.id)]
            if let width = image.width, let height = image.height { metadata["size"] = "\(width)x\(height)" }
            return SourceItem(key: image.file_name, content: .file(url), fileState: try? FileState(fileAt: url), metadata: metadata)
        }
        let captions = try file.annotations.enumerated().map { position, annotation -> SourceCaption in
            let key = annotation.id.map(String.init) ?? "annotation-\(position)"
            guard let fileName = fileNames[annotation.image_id] else {
                throw DataSourceError.unknownItem(path: annotationsFile.path, captionKey: key, itemKey: "image id \(annotation.image_id)")
            }
            return SourceCaption(key: key, text: annotation.caption.trimmingCharacters(in: .whitespacesAndNewlines),
                                 language: "en", itemKeys: [fileName])
        }
        return SourceCatalog(items: items, captions: captions)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            return "missing \"\(key.stringValue)\" at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default:
            return "\(error)"
        }
    }
}
