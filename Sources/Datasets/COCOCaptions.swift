import Foundation

/// A COCO captions file (`annotations/captions_val2017.json`; Chen et al. 2015, "Microsoft COCO
/// Captions"): `images` (`COCOImage`) and `annotations` `{"id": 48, "image_id": 9, "caption":
/// "…"}`, about five captions per image. Read strictly: ids must be integers and unique, every
/// caption's `image_id` must be listed in `images`; an annotation's `id` may be absent. Captions
/// are returned without surrounding whitespace (COCO's raw captions often end in a space or a
/// line break).
public struct COCOCaptions: Sendable, Equatable {
    /// One annotation.
    public struct Caption: Sendable, Equatable {
        public var id: Int64?
        /// The position of its image in `images`.
        public var image: Int
        public var text: String

        public init(id: Int64?, image: Int, text: String) {
            self.id = id
            self.image = image
            self.text = text
        }
    }

    public let images: [COCOImage]
    /// In file order.
    public let captions: [Caption]

    public init(contentsOf url: URL) throws {
        struct Annotation: Decodable {
            var id: Int64?
            var image_id: Int64
            var caption: String
        }
        struct File: Decodable {
            var images: [COCOImage]
            var annotations: [Annotation]
        }
        let file = try JSONProblem.decodeDocument(File.self, from: DatasetFile.data(of: url), path: url.path)
        let positions = try COCOImage.positions(of: file.images, path: url.path)
        try COCOImage.requireUniqueIDs(file.annotations.map(\.id), list: "annotations", path: url.path)
        images = file.images
        captions = try file.annotations.enumerated().map { index, annotation in
            guard let image = positions[annotation.image_id] else {
                throw DatasetError.unknownReference(path: url.path, record: "annotations[\(index)]", reference: "image \(annotation.image_id)")
            }
            return Caption(id: annotation.id, image: image, text: annotation.caption.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
