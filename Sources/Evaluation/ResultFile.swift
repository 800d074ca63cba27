import Datasets
import Foundation

/// One query's ranked results, as a result file holds them.
public struct RankedResults: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var resultID: String
        public var score: Float
        public init(resultID: String, score: Float) {
            self.resultID = resultID
            self.score = score
        }
    }

    public var queryID: String
    /// Best first.
    public var entries: [Entry]

    public init(queryID: String, entries: [Entry]) {
        self.queryID = queryID
        self.entries = entries
    }
}

/// Batch retrieval result files, as the competition paper submits them: the top results of every
/// query in a CSV file
///
/// ```
/// query_id,rank,result_id,score
/// 1001,1,img_17.jpg,0.312456
/// 1001,2,img_4.jpg,0.298001
/// ```
///
/// one row per (query, rank), ranks 1-based and best first, `depth` rows per query (5 by default,
/// fewer when fewer results exist), queries in the order given, scores with 6 decimals. Fields
/// holding a comma, quote or line break are quoted as RFC 4180 prescribes. For text→image files
/// the query ids are caption ids and the result ids image keys; for image→text the reverse.
public enum ResultFile {
    public static let header = "query_id,rank,result_id,score"
    public static let defaultDepth = 5

    /// The file's text.
    public static func render(_ results: [RankedResults], depth: Int = defaultDepth) -> String {
        var text = header + "\n"
        for query in results {
            for (position, entry) in query.entries.prefix(depth).enumerated() {
                text += "\(quoted(query.queryID)),\(position + 1),\(quoted(entry.resultID)),\(String(format: "%.6f", Double(entry.score)))\n"
            }
        }
        return text
    }

    /// Writes the file atomically.
    public static func write(_ results: [RankedResults], depth: Int = defaultDepth, to url: URL) throws {
        try Data(render(results, depth: depth).utf8).write(to: url, options: .atomic)
    }

    /// Reads a result file back (`DelimitedText` quoting), grouping rows by query in file order.
    public static func read(from url: URL) throws -> [RankedResults] {
        let records: [DelimitedText.Record]
        do { records = try DelimitedText(delimiter: UInt8(ascii: ",")).records(contentsOf: url) } catch let error as DatasetError {
            guard case let .malformed(_, line, reason) = error else { throw error }
            throw EvaluationError.malformedResultFile(path: url.path, line: line, reason: reason)
        }
        guard records.first?.fields.joined(separator: ",") == header else {
            throw EvaluationError.malformedResultFile(path: url.path, line: 1, reason: "the header is not \(header)")
        }
        var results: [RankedResults] = [], position: [String: Int] = [:]
        for record in records.dropFirst() {
            let fields = record.fields
            guard fields.count == 4, let rank = Int(fields[1]), let score = Float(fields[3]) else {
                throw EvaluationError.malformedResultFile(path: url.path, line: record.line,
                                                          reason: "cannot read \"\(fields.joined(separator: ","))\"")
            }
            let slot: Int
            if let existing = position[fields[0]] { slot = existing } else {
                slot = results.count
                position[fields[0]] = slot
                results.append(RankedResults(queryID: fields[0], entries: []))
            }
            guard rank == results[slot].entries.count + 1 else {
                throw EvaluationError.malformedResultFile(path: url.path, line: record.line,
                                                          reason: "rank \(rank) of query \(fields[0]) is out of order")
            }
            results[slot].entries.append(.init(resultID: fields[2], score: score))
        }
        return results
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
