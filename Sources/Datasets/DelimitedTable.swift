import Foundation

/// A CSV or TSV file with a header row naming its columns (`DelimitedText` records): every data
/// row must have as many fields as the header, and a column is found by its name.
public struct DelimitedTable: Sendable {
    /// The file, as errors name it.
    public let path: String
    /// The column names, in file order.
    public let header: [String]
    /// The data rows (the header excluded), each with `header.count` fields.
    public let rows: [DelimitedText.Record]

    /// Reads `url`; `expectedColumns` only phrase the error for a file without a header.
    public init(contentsOf url: URL, delimiter: UInt8? = nil, expectedColumns: [String]) throws {
        let records = try DelimitedText(delimiter: delimiter ?? DelimitedText.defaultDelimiter(for: url)).records(contentsOf: url)
        try self.init(records: records, path: url.path, expectedColumns: expectedColumns)
    }

    /// A table from parsed records, the first being the header.
    public init(records: [DelimitedText.Record], path: String, expectedColumns: [String]) throws {
        guard let header = records.first?.fields else {
            throw DatasetError.malformed(path: path, line: 1, reason: "the file is empty; expected a header row naming the columns "
                                         + expectedColumns.joined(separator: ", "))
        }
        for row in records.dropFirst() where row.fields.count != header.count {
            throw DatasetError.malformed(path: path, line: row.line, reason: "\(row.fields.count) fields but the header has \(header.count)")
        }
        self.path = path
        self.header = header
        rows = Array(records.dropFirst())
    }

    /// The position of the column `name`; throws `missingColumn` listing the header, or
    /// `malformed` when the header names it twice.
    public func column(_ name: String) throws -> Int {
        let positions = header.indices.filter { header[$0] == name }
        guard let first = positions.first else { throw DatasetError.missingColumn(path: path, column: name, available: header) }
        guard positions.count == 1 else {
            throw DatasetError.malformed(path: path, line: 1, reason: "the header names the column \"\(name)\" \(positions.count) times")
        }
        return first
    }
}
