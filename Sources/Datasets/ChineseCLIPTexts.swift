import Foundation

/// The caption file of Chinese-CLIP's retrieval data (Yang et al. 2022, "Chinese CLIP"; MUGE,
/// Flickr30K-CN, COCO-CN): JSON Lines `{"text_id": 8428, "text": "…", "image_ids": [1076345,
/// 517602]}`. Ids may be JSON integers or strings and are returned as strings; `image_ids` may be
/// absent (test splits). Text ids must be unique.
public struct ChineseCLIPTexts: Sendable, Equatable {
    /// One caption.
    public struct Text: Sendable, Equatable {
        public var line: Int
        public var id: String
        public var text: String
        public var imageIDs: [String]

        public init(line: Int, id: String, text: String, imageIDs: [String]) {
            self.line = line
            self.id = id
            self.text = text
            self.imageIDs = imageIDs
        }
    }

    public let texts: [Text]

    public init(contentsOf url: URL) throws {
        struct Line: Decodable {
            var text_id: Identifier
            var text: String
            var image_ids: [Identifier]?
        }
        var firstLine: [String: Int] = [:]
        texts = try JSONLines.decode(Line.self, contentsOf: url).map { number, line in
            if let first = firstLine.updateValue(number, forKey: line.text_id.value) {
                throw DatasetError.malformed(path: url.path, line: number, reason: "text id \(line.text_id.value) repeats the one on line \(first)")
            }
            return Text(line: number, id: line.text_id.value, text: line.text, imageIDs: (line.image_ids ?? []).map(\.value))
        }
    }

    /// An id written as a JSON integer or a non-empty string.
    struct Identifier: Decodable {
        var value: String

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) {
                value = String(number)
            } else if let text = try? container.decode(String.self), !text.isEmpty {
                value = text
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be an integer or a non-empty string")
            }
        }
    }
}
