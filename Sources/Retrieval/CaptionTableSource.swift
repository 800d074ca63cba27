import FileSystem
import Datasets
import Foundation

/// A caption table (`CaptionTable`: CSV or TSV, RFC 4180 quoting, one row per caption) as a
/// source; an image named on several rows is one item with several captions. Image paths are
/// relative to `imageRoot` (default: the table's folder).
public struct CaptionTableSource: DataSource {
    public var file: URL
    public var imageColumn: String
    public var captionColumn: String
    /// A column holding caption ids; without one a caption's key is `<row number>` (1-based, header excluded).
    public var captionIDColumn: String?
    /// A column holding each caption's language tag.
    public var languageColumn: String?
    /// The language of every caption when there is no language column.
    public var language: String?
    /// Field separator; nil picks tab for `.tsv`/`.tab` files and comma otherwise.
    public var delimiter: Character?
    public var imageRoot: URL?

    public init(file: URL, imageColumn: String = "image", captionColumn: String = "caption", captionIDColumn: String? = nil,
                languageColumn: String? = nil, language: String? = nil, delimiter: Character? = nil, imageRoot: URL? = nil) {
        self.file = file
        self.imageColumn = imageColumn
        self.captionColumn = captionColumn
        self.captionIDColumn = captionIDColumn
        self.languageColumn = languageColumn
        self.language = language
        self.delimiter = delimiter
        self.imageRoot = imageRoot
    }

    public func catalog() throws -> SourceCatalog {
        var separator: UInt8?
        if let delimiter {
            guard let ascii = delimiter.asciiValue, delimiter != "\"", !delimiter.isNewline else {
                throw DatasetError.malformed(path: file.path, line: 1, reason: "the delimiter must be one ASCII character")
            }
            separator = ascii
        }
        let table = try CaptionTable(contentsOf: file, imageColumn: imageColumn, captionColumn: captionColumn,
                                     captionIDColumn: captionIDColumn, languageColumn: languageColumn, delimiter: separator)
        let root = imageRoot ?? file.deletingLastPathComponent()
        var items: [SourceItem] = [], itemKeys = Set<String>(), captions: [SourceCaption] = []
        for (row, entry) in table.rows.enumerated() {
            if itemKeys.insert(entry.image).inserted {
                let url = entry.image.hasPrefix("/") ? URL(fileURLWithPath: entry.image) : root.appendingPathComponent(entry.image)
                items.append(SourceItem(key: entry.image, content: .file(FileSystemPath(url)), fileState: try? FileState(fileAt: url)))
            }
            captions.append(SourceCaption(key: entry.captionID ?? String(row + 1), text: entry.caption,
                                          language: entry.language ?? language, itemKeys: [entry.image]))
        }
        return SourceCatalog(items: items, captions: Self.mergingRepeatedKeys(captions))
    }

    /// Captions sharing a key (the same caption id on several rows) become one caption linked to every image.
    static func mergingRepeatedKeys(_ captions: [SourceCaption]) -> [SourceCaption] {
        var merged: [SourceCaption] = [], position: [String: Int] = [:]
        for caption in captions {
            if let existing = position[caption.key] {
                for key in caption.itemKeys where !merged[existing].itemKeys.contains(key) { merged[existing].itemKeys.append(key) }
            } else {
                position[caption.key] = merged.count
                merged.append(caption)
            }
        }
        return merged
    }
}
