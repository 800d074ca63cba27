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
/// `--csv-caption-key`, `--csv-separator`) or a JSON-lines file (one object per line). Relative
/// image paths are resolved against the manifest's folder.
public struct CaptionedImageManifest: Sendable, Equatable {
    public enum Format: String, Codable, Sendable {
        case csv
        case jsonl
    }

    public var entries: [CaptionedImage]

    public init(entries: [CaptionedImage]) { self.entries = entries }

    /// Reads a manifest; the format follows the extension (`.jsonl`/`.json` → JSON lines, else CSV)
    /// unless given.
    public init(contentsOf url: URL, format: Format? = nil, imageKey: String = "image", captionKey: String = "caption",
                separator: Character = ",") throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DatasetError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let resolved = format ?? (["jsonl", "json"].contains(url.pathExtension.lowercased()) ? .jsonl : .csv)
        let folder = url.deletingLastPathComponent()
        let raw = resolved == .csv
            ? try Self.parseCSV(text, path: url.path, imageKey: imageKey, captionKey: captionKey, separator: separator)
            : try Self.parseJSONLines(text, path: url.path, imageKey: imageKey, captionKey: captionKey)
        entries = raw.map { entry in
            let path = entry.imagePath.hasPrefix("/") ? entry.imagePath : folder.appendingPathComponent(entry.imagePath).path
            return CaptionedImage(imagePath: path, caption: entry.caption)
        }
        guard !entries.isEmpty else { throw DatasetError.emptyDataset(path: url.path, reason: "the manifest has no rows") }
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
