import Foundation

/// A CSV or TSV table of captioned images, one caption per row (open_clip's `--csv-img-key`,
/// `--csv-caption-key`, `--csv-separator` layout; Flickr-style `image,caption` tables): a header
/// naming the columns, then rows holding an image path, its caption and, optionally, a caption
/// id and a language tag. Quoting, byte-order marks and line ends follow `DelimitedText`. The
/// image field must not be empty; paths are returned as written (relative or absolute).
public struct CaptionTable: Sendable, Equatable {
    /// One row.
    public struct Row: Sendable, Equatable {
        /// The line the row starts on.
        public var line: Int
        public var image: String
        public var caption: String
        public var captionID: String?
        public var language: String?

        public init(line: Int, image: String, caption: String, captionID: String? = nil, language: String? = nil) {
            self.line = line
            self.image = image
            self.caption = caption
            self.captionID = captionID
            self.language = language
        }
    }

    public let rows: [Row]

    /// Reads `url`; `delimiter` nil picks tab for `.tsv`/`.tab` files and comma otherwise.
    public init(contentsOf url: URL, imageColumn: String = "image", captionColumn: String = "caption",
                captionIDColumn: String? = nil, languageColumn: String? = nil, delimiter: UInt8? = nil) throws {
        let table = try DelimitedTable(contentsOf: url, delimiter: delimiter,
                                       expectedColumns: [imageColumn, captionColumn] + [captionIDColumn, languageColumn].compactMap { $0 })
        let imageIndex = try table.column(imageColumn), captionIndex = try table.column(captionColumn)
        let idIndex = try captionIDColumn.map(table.column), languageIndex = try languageColumn.map(table.column)
        rows = try table.rows.map { record in
            let image = record.fields[imageIndex]
            guard !image.isEmpty else {
                throw DatasetError.malformed(path: url.path, line: record.line, reason: "the \(imageColumn) field is empty")
            }
            return Row(line: record.line, image: image, caption: record.fields[captionIndex],
                       captionID: idIndex.map { record.fields[$0] }, language: languageIndex.map { record.fields[$0] })
        }
        guard !rows.isEmpty else {
            throw DatasetError.emptyDataset(path: url.path, reason: "the table has a header but no rows")
        }
    }
}
