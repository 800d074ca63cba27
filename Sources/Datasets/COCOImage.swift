import Foundation

/// One entry of the `images` list of a COCO annotation file (Lin et al. 2014, "Microsoft COCO:
/// Common Objects in Context"): `{"id": 9, "file_name": "000000000009.jpg", "width": 640,
/// "height": 480, …}`; other keys (licence, URLs, dates) are ignored. `file_name` is relative to
/// the split's image folder (`val2017/`).
public struct COCOImage: Sendable, Equatable, Decodable {
    public var id: Int64
    public var fileName: String
    /// Pixels; optional in captions files, present in instances files.
    public var width: Int?
    public var height: Int?

    public init(id: Int64, fileName: String, width: Int? = nil, height: Int? = nil) {
        self.id = id
        self.fileName = fileName
        self.width = width
        self.height = height
    }

    enum CodingKeys: String, CodingKey {
        case id
        case fileName = "file_name"
        case width, height
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        fileName = try container.decode(String.self, forKey: .fileName)
        width = try container.decodeIfPresent(Int.self, forKey: .width)
        height = try container.decodeIfPresent(Int.self, forKey: .height)
        guard !fileName.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .fileName, in: container, debugDescription: "must not be empty")
        }
        for (key, value) in [(CodingKeys.width, width), (.height, height)] where value.map({ $0 <= 0 }) ?? false {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be positive")
        }
    }

    /// The position of each image of `images` by id; throws when an id repeats.
    static func positions(of images: [COCOImage], path: String) throws -> [Int64: Int] {
        try requireUniqueIDs(images.map(\.id), list: "images", path: path)
        return Dictionary(uniqueKeysWithValues: images.enumerated().map { ($0.element.id, $0.offset) })
    }

    /// Checks that the ids of the records of `list` (`annotations`) are unique where present.
    static func requireUniqueIDs(_ ids: [Int64?], list: String, path: String) throws {
        var seen: [Int64: Int] = [:]
        for (position, id) in ids.enumerated() {
            guard let id else { continue }
            if let first = seen.updateValue(position, forKey: id) {
                throw DatasetError.malformedRecord(path: path, record: "\(list)[\(position)].id", reason: "repeats the id \(id) of \(list)[\(first)]")
            }
        }
    }
}
