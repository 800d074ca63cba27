import Datasets
import Foundation

/// A CSV or TSV file (`DelimitedTable`) of queries for batch retrieval: a header row naming an id column
/// (`query_id`) and a value column (`text` for text→image, `image` for image queries), then one
/// query per row:
///
/// ```
/// query_id,text
/// q1,a cat lying on a sofa
/// q2,"a cup of coffee, seen from above"
/// ```
///
/// Image paths may be relative to the file's folder. Ids must be unique.
public struct QueryTable: Sendable {
    /// One query: its id and its text or image path.
    public struct Query: Sendable, Equatable {
        public var id: String
        public var value: String
    }

    public let file: URL
    public let queries: [Query]

    /// Reads `file`; tab-separated when it ends in `.tsv` or `.tab`, comma-separated otherwise.
    public init(contentsOf file: URL, idColumn: String = "query_id", valueColumn: String) throws {
        self.file = file
        let table = try DelimitedTable(contentsOf: file, expectedColumns: [idColumn, valueColumn])
        let idIndex = try table.column(idColumn), valueIndex = try table.column(valueColumn)
        var seen = Set<String>(), queries: [Query] = []
        for record in table.rows {
            let id = record.fields[idIndex], value = record.fields[valueIndex]
            guard !id.isEmpty, !value.isEmpty else {
                throw DatasetError.malformed(path: file.path, line: record.line, reason: "the \(id.isEmpty ? idColumn : valueColumn) field is empty")
            }
            guard seen.insert(id).inserted else {
                throw DatasetError.malformed(path: file.path, line: record.line, reason: "query id \(id) appears twice")
            }
            queries.append(Query(id: id, value: value))
        }
        guard !queries.isEmpty else { throw DatasetError.emptyDataset(path: file.path, reason: "the query table has a header but no rows") }
        self.queries = queries
    }

    /// A query's image path resolved against the file's folder.
    public func imageURL(of query: Query) -> URL {
        query.value.hasPrefix("/") ? URL(fileURLWithPath: query.value)
            : file.deletingLastPathComponent().appendingPathComponent(query.value)
    }
}
