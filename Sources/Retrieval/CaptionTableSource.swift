import Foundation

/// A CSV or TSV table of `image,caption` rows (quoted fields allowed), one row per caption; an
/// image named on several rows is one item with several captions. Column names come from the
/// header row. Image paths are relative to `imageRoot` (default: the table's folder).
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
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: file)) } catch {
            throw DataSourceError.unreadable(path: file.path, reason: error.localizedDescription)
        }
        let separator = delimiter ?? (["tsv", "tab"].contains(file.pathExtension.lowercased()) ? "\t" : ",")
        guard let separatorByte = separator.asciiValue else {
            throw DataSourceError.malformed(path: file.path, line: 1, reason: "the delimiter must be one ASCII character")
        }
        let records = try DelimitedTextParser(delimiter: separatorByte).records(in: bytes, path: file.path)
        guard let header = records.first?.fields else { return SourceCatalog(items: []) }
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw DataSourceError.missingColumn(path: file.path, column: name, available: header)
            }
            return index
        }
        let imageIndex = try column(imageColumn), captionIndex = try column(captionColumn)
        let idIndex = try captionIDColumn.map(column), languageIndex = try languageColumn.map(column)
        let root = imageRoot ?? file.deletingLastPathComponent()

        var items: [SourceItem] = [], itemKeys = Set<String>(), captions: [SourceCaption] = []
        for (row, record) in records.dropFirst().enumerated() {
            guard record.fields.count == header.count else {
                throw DataSourceError.malformed(path: file.path, line: record.line,
                                                reason: "\(record.fields.count) fields but the header has \(header.count)")
            }
            let image = record.fields[imageIndex]
            guard !image.isEmpty else {
                throw DataSourceError.malformed(path: file.path, line: record.line, reason: "the \(imageColumn) field is empty")
            }
            if itemKeys.insert(image).inserted {
                let url = image.hasPrefix("/") ? URL(fileURLWithPath: image) : root.appendingPathComponent(image)
                items.append(SourceItem(key: image, content: .file(url), fileState: try? FileState(fileAt: url)))
            }
            captions.append(SourceCaption(key: idIndex.map { record.fields[$0] } ?? String(row + 1),
                                          text: record.fields[captionIndex],
                                          language: languageIndex.map { record.fields[$0] } ?? language,
                                          itemKeys: [image]))
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
