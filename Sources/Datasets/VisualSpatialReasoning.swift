import Foundation

/// Visual Spatial Reasoning (Liu, Emerson & Collier 2023, "Visual Spatial Reasoning", TACL): JSON
/// Lines of captions about two objects of a COCO image, each judged true or false:
/// `{"image": "000000372029.jpg", "image_link": "http://…", "caption": "The dog is on the
/// surfboard.", "label": 1, "relation": "on", "subj": "dog", "obj": "surfboard", …}`. The zero-shot
/// splits carry `subj` and `obj`; the random splits of the first release do not, so they are
/// optional; `image_link` is optional; annotator fields are ignored. `label` is 0, 1, true or
/// false; `image`, `caption` and `relation` must not be empty. Files CLIPKit writes for
/// relation-aware CLIP (`clipkit export scenes`) add the subject's and object's boxes
/// `subj_box`, `obj_box` (COCO's `[x, y, width, height]` in pixels) and a `group` (the scene's
/// spatial configuration); both are optional.
public struct VisualSpatialReasoning: Sendable, Equatable {
    /// One judged caption.
    public struct Example: Sendable, Equatable, Decodable {
        public var line: Int = 0
        /// The image's COCO file name.
        public var image: String
        public var imageLink: String?
        public var caption: String
        /// Whether the caption is true of the image.
        public var label: Bool
        public var relation: String
        public var subject: String?
        public var object: String?
        /// The subject's box in the image, when the file gives one.
        public var subjectBox: COCOInstances.Box?
        /// The object's box in the image, when the file gives one.
        public var objectBox: COCOInstances.Box?
        /// A grouping of examples (a generated scene's configuration), when the file gives one.
        public var group: String?

        public init(image: String, imageLink: String? = nil, caption: String, label: Bool, relation: String,
                    subject: String? = nil, object: String? = nil, subjectBox: COCOInstances.Box? = nil,
                    objectBox: COCOInstances.Box? = nil, group: String? = nil, line: Int = 0) {
            self.line = line
            self.image = image
            self.imageLink = imageLink
            self.caption = caption
            self.label = label
            self.relation = relation
            self.subject = subject
            self.object = object
            self.subjectBox = subjectBox
            self.objectBox = objectBox
            self.group = group
        }

        enum CodingKeys: String, CodingKey {
            case image, imageLink = "image_link", caption, label, relation, subject = "subj", object = "obj"
            case subjectBox = "subj_box", objectBox = "obj_box", group
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String {
                let value = try container.decode(String.self, forKey: key)
                guard !value.isEmpty else { throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must not be empty") }
                return value
            }
            image = try text(.image)
            imageLink = try container.decodeIfPresent(String.self, forKey: .imageLink)
            caption = try text(.caption)
            relation = try text(.relation)
            subject = try container.decodeIfPresent(String.self, forKey: .subject)
            object = try container.decodeIfPresent(String.self, forKey: .object)
            subjectBox = try container.decodeIfPresent(COCOInstances.Box.self, forKey: .subjectBox)
            objectBox = try container.decodeIfPresent(COCOInstances.Box.self, forKey: .objectBox)
            group = try container.decodeIfPresent(String.self, forKey: .group)
            label = try container.decode(JSONFlag.self, forKey: .label).value
        }
    }

    /// In file order.
    public let examples: [Example]

    public init(contentsOf url: URL) throws {
        examples = try JSONLines.decode(Example.self, contentsOf: url).map { line, example in
            var example = example
            example.line = line
            return example
        }
    }
}
