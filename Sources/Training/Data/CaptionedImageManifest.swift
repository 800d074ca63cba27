import Datasets
import Foundation

/// An image file and its caption.
public struct CaptionedImage: Sendable, Equatable, Codable {
    public var imagePath: String
    public var caption: String
    public init(imagePath: String, caption: String) {
        self.imagePath = imagePath
        self.caption = caption
    }
}

/// A list of (image path, caption) pairs read from a caption table (`CaptionTable`: CSV with
/// open_clip's `--csv-img-key`, `--csv-caption-key`, `--csv-separator`), a JSON-lines file
/// (`CaptionLines`, one object per line) or a COCO captions file (`COCOCaptions`; one pair per
/// caption, so an image with five captions appears five times). Relative image paths are
/// resolved against `imageRoot`, by default the manifest's folder.
public struct CaptionedImageManifest: Sendable, Equatable {
    public enum Format: String, Codable, Sendable {
        case csv
        case jsonl
        case coco
    }

    public var entries: [CaptionedImage]

    public init(entries: [CaptionedImage]) { self.entries = entries }

    /// Reads a manifest; unless given, the format follows the extension (`.jsonl` → JSON lines,
    /// `.json` → COCO when the file is one object with `annotations`, else JSON lines; anything
    /// else CSV).
    public init(contentsOf url: URL, format: Format? = nil, imageKey: String = "image", captionKey: String = "caption",
                separator: Character = ",", imageRoot: URL? = nil) throws {
        let resolved = format ?? Self.detectFormat(url: url)
        let folder = imageRoot ?? url.deletingLastPathComponent()
        let raw: [CaptionedImage]
        switch resolved {
        case .csv:
            guard let delimiter = separator.asciiValue, separator != "\"", !separator.isNewline else {
                throw DatasetError.malformed(path: url.path, line: 1, reason: "the separator must be one ASCII character")
            }
            raw = try CaptionTable(contentsOf: url, imageColumn: imageKey, captionColumn: captionKey, delimiter: delimiter).rows.map {
                CaptionedImage(imagePath: $0.image, caption: $0.caption)
            }
        case .jsonl:
            raw = try CaptionLines(contentsOf: url, imageKey: imageKey, captionKey: captionKey).entries.map {
                CaptionedImage(imagePath: $0.image, caption: $0.caption)
            }
        case .coco:
            let file = try COCOCaptions(contentsOf: url)
            raw = file.captions.map { CaptionedImage(imagePath: file.images[$0.image].fileName, caption: $0.text) }
        }
        entries = raw.map { entry in
            let path = entry.imagePath.hasPrefix("/") ? entry.imagePath : folder.appendingPathComponent(entry.imagePath).path
            return CaptionedImage(imagePath: path, caption: entry.caption)
        }
        guard !entries.isEmpty else { throw DatasetError.emptyDataset(path: url.path, reason: "the manifest has no rows") }
    }

    static func detectFormat(url: URL) -> Format {
        switch url.pathExtension.lowercased() {
        case "jsonl": return .jsonl
        case "json":
            let object = (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            return object?["annotations"] != nil ? .coco : .jsonl
        default: return .csv
        }
    }

    /// Writes the entries as JSON lines with keys `image` and `caption`, paths relative to the
    /// file's folder when they lie inside it.
    public func writeJSONLines(to url: URL) throws {
        let folder = url.deletingLastPathComponent().standardizedFileURL.path + "/"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = ""
        for entry in entries {
            let path = entry.imagePath.hasPrefix(folder) ? String(entry.imagePath.dropFirst(folder.count)) : entry.imagePath
            text += String(decoding: try encoder.encode(["image": path, "caption": entry.caption]), as: UTF8.self) + "\n"
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
