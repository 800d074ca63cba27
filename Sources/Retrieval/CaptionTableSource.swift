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
    /// Read image paths that are absolute or climb out of the image root (`DatasetImagePath`);
    /// off by default: such rows are refused and reported.
    public var allowsPathsOutsideRoot = false

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
        var items: [SourceItem] = [], itemKeys = Set<String>(), captions: [(line: Int, caption: SourceCaption)] = []
        for (row, entry) in table.rows.enumerated() {
            if itemKeys.insert(entry.image).inserted {
                switch DatasetImagePath.resolve(entry.image, root: root, allowingOutsideRoot: allowsPathsOutsideRoot) {
                case let .success(path):
                    items.append(SourceItem(key: entry.image, content: .file(path), fileState: try? FileState(fileAt: path)))
                case let .failure(refusal):
                    items.append(SourceItem(key: entry.image, content: .refused(path: entry.image, reason: "line \(entry.line): \(refusal)"), fileState: nil))
                }
            }
            captions.append((entry.line, SourceCaption(key: entry.captionID ?? String(row + 1), text: entry.caption,
                                                       language: entry.language ?? language, itemKeys: [entry.image])))
        }
        return SourceCatalog(items: items, captions: try Self.mergingRepeatedKeys(captions, path: file.path))
    }

    /// Captions sharing a key (the same caption id on several rows) become one caption linked to
    /// every image; an id given two different texts (or languages) is an error naming both lines,
    /// since keeping either would link an image to a caption that does not describe it.
    static func mergingRepeatedKeys(_ captions: [(line: Int, caption: SourceCaption)], path: String) throws -> [SourceCaption] {
        var merged: [SourceCaption] = [], position: [String: (index: Int, line: Int)] = [:]
        for (line, caption) in captions {
            if let existing = position[caption.key] {
                let first = merged[existing.index]
                guard first.text == caption.text, first.language == caption.language else {
                    throw DatasetError.malformed(path: path, line: line, reason: "caption id \"\(caption.key)\" has the text \"\(caption.text)\" "
                                                 + "here but \"\(first.text)\" on line \(existing.line)"
                                                 + (first.language != caption.language ? " (or another language)" : "")
                                                 + "; rows sharing an id must repeat the same caption")
                }
                for key in caption.itemKeys where !merged[existing.index].itemKeys.contains(key) { merged[existing.index].itemKeys.append(key) }
            } else {
                position[caption.key] = (merged.count, line)
                merged.append(caption)
            }
        }
        return merged
    }
}
