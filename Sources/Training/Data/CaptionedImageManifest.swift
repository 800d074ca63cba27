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

/// A list of (image path, caption) pairs read from a CSV file (open_clip's `--csv-img-key`,
/// `--csv-caption-key`, `--csv-separator`), a JSON-lines file (one object per line) or a COCO
/// captions file (`captions_train2017.json`: `images` with `id` and `file_name`, `annotations`
/// with `image_id` and `caption`; one pair per caption, so an image with five captions appears
/// five times). Relative image paths are resolved against `imageRoot`, by default the
/// manifest's folder.
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
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DatasetError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let resolved = format ?? Self.detectFormat(url: url, text: text)
        let folder = imageRoot ?? url.deletingLastPathComponent()
        let raw: [CaptionedImage]
        switch resolved {
        case .csv: raw = try Self.parseCSV(text, path: url.path, imageKey: imageKey, captionKey: captionKey, separator: separator)
        case .jsonl: raw = try Self.parseJSONLines(text, path: url.path, imageKey: imageKey, captionKey: captionKey)
        case .coco: raw = try Self.parseCOCO(text, path: url.path)
        }
        entries = raw.map { entry in
            let path = entry.imagePath.hasPrefix("/") ? entry.imagePath : folder.appendingPathComponent(entry.imagePath).path
            return CaptionedImage(imagePath: path, caption: entry.caption)
        }
        guard !entries.isEmpty else { throw DatasetError.emptyDataset(path: url.path, reason: "the manifest has no rows") }
    }

    static func detectFormat(url: URL, text: String) -> Format {
        switch url.pathExtension.lowercased() {
        case "jsonl": return .jsonl
        case "json":
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            return object?["annotations"] != nil ? .coco : .jsonl
        default: return .csv
        }
    }

    /// COCO captions: each annotation's caption with its image's `file_name`, in annotation order.
    static func parseCOCO(_ text: String, path: String) throws -> [CaptionedImage] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw DatasetError.malformedManifest(path: path, line: 1, reason: "not a JSON object")
        }
        guard let images = object["images"] as? [[String: Any]], let annotations = object["annotations"] as? [[String: Any]] else {
            throw DatasetError.malformedManifest(path: path, line: 1, reason: "a COCO captions file needs \"images\" and \"annotations\" arrays")
        }
        var fileNames: [Int: String] = [:]
        for (index, image) in images.enumerated() {
            guard let id = (image["id"] as? NSNumber)?.intValue, let name = image["file_name"] as? String else {
                throw DatasetError.malformedManifest(path: path, line: 1, reason: "images[\(index)] needs an integer id and a file_name")
            }
            fileNames[id] = name
        }
        return try annotations.enumerated().map { index, annotation in
            guard let id = (annotation["image_id"] as? NSNumber)?.intValue, let caption = annotation["caption"] as? String else {
                throw DatasetError.malformedManifest(path: path, line: 1, reason: "annotations[\(index)] needs an integer image_id and a caption")
            }
            guard let name = fileNames[id] else {
                throw DatasetError.malformedManifest(path: path, line: 1, reason: "annotations[\(index)] refers to image \(id), which images does not list")
            }
            return CaptionedImage(imagePath: name, caption: caption)
        }
    }

    static func parseJSONLines(_ text: String, path: String, imageKey: String, captionKey: String) throws -> [CaptionedImage] {
        var result: [CaptionedImage] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw DatasetError.malformedManifest(path: path, line: offset + 1, reason: "not a JSON object")
            }
            guard let image = object[imageKey] as? String, let caption = object[captionKey] as? String else {
                throw DatasetError.malformedManifest(path: path, line: offset + 1,
                                                     reason: "needs string fields \"\(imageKey)\" and \"\(captionKey)\"")
            }
            result.append(CaptionedImage(imagePath: image, caption: caption))
        }
        return result
    }

    /// RFC 4180 CSV: a header row, fields optionally in double quotes ("" is a quote inside them),
    /// quoted fields may hold separators and line breaks.
    static func parseCSV(_ text: String, path: String, imageKey: String, captionKey: String,
                         separator: Character) throws -> [CaptionedImage] {
        let rows = try csvRows(text, path: path, separator: separator)
        guard let header = rows.first?.fields else { return [] }
        guard let imageColumn = header.firstIndex(of: imageKey) else {
            throw DatasetError.missingColumn(path: path, column: imageKey, available: header)
        }
        guard let captionColumn = header.firstIndex(of: captionKey) else {
            throw DatasetError.missingColumn(path: path, column: captionKey, available: header)
        }
        return try rows.dropFirst().compactMap { row in
            if row.fields == [""] { return nil }
            guard row.fields.count == header.count else {
                throw DatasetError.malformedManifest(path: path, line: row.line,
                                                     reason: "\(row.fields.count) fields, the header has \(header.count)")
            }
            return CaptionedImage(imagePath: row.fields[imageColumn], caption: row.fields[captionColumn])
        }
    }

    static func csvRows(_ text: String, path: String, separator: Character) throws -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        var fields: [String] = [], field = ""
        var inQuotes = false, afterQuote = false
        var line = 1, rowStart = 1
        var characters = Array(text)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if inQuotes {
                if character == "\"" {
                    if index + 1 < characters.count && characters[index + 1] == "\"" { field.append("\""); index += 1 } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
            } else if character == "\"" {
                guard field.isEmpty && !afterQuote else {
                    throw DatasetError.malformedManifest(path: path, line: line, reason: "a quote inside an unquoted field")
                }
                inQuotes = true
            } else if character == separator {
                fields.append(field); field = ""; afterQuote = false
            } else if character == "\n" || character == "\r\n" || character == "\r" {
                fields.append(field); field = ""; afterQuote = false
                rows.append((rowStart, fields)); fields = []
                line += 1
                rowStart = line
            } else {
                guard !afterQuote else {
                    throw DatasetError.malformedManifest(path: path, line: line, reason: "text after a closing quote")
                }
                field.append(character)
            }
            index += 1
        }
        if inQuotes { throw DatasetError.malformedManifest(path: path, line: rowStart, reason: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || afterQuote { fields.append(field); rows.append((rowStart, fields)) }
        return rows
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
