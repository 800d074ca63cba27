import Foundation

/// A JSON Lines file of captioned images, one object per line with an image path and a caption
/// under configurable keys (`{"image": "a.png", "caption": "a dog"}`; other keys are ignored).
/// Paths are returned as written.
public struct CaptionLines: Sendable, Equatable {
    /// One line's pair.
    public struct Entry: Sendable, Equatable {
        public var line: Int
        public var image: String
        public var caption: String

        public init(line: Int, image: String, caption: String) {
            self.line = line
            self.image = image
            self.caption = caption
        }
    }

    public let entries: [Entry]

    public init(contentsOf url: URL, imageKey: String = "image", captionKey: String = "caption") throws {
        entries = try JSONLines.lines(contentsOf: url).map { line in
            guard let object = try? JSONSerialization.jsonObject(with: line.bytes) as? [String: Any] else {
                throw DatasetError.malformed(path: url.path, line: line.number, reason: "not a JSON object")
            }
            guard let image = object[imageKey] as? String, let caption = object[captionKey] as? String else {
                throw DatasetError.malformed(path: url.path, line: line.number,
                                             reason: "needs string fields \"\(imageKey)\" and \"\(captionKey)\"")
            }
            guard !image.isEmpty else {
                throw DatasetError.malformed(path: url.path, line: line.number, reason: "the \(imageKey) field is empty")
            }
            return Entry(line: line.number, image: image, caption: caption)
        }
    }
}
