import ArgumentParser
import CLIPKit
import Foundation

/// How `search` prints its results.
enum SearchOutputFormat: String, CaseIterable, ExpressibleByArgument {
    /// Aligned columns for people.
    case table
    /// One JSON object: the query and its results (for scripts).
    case json
    /// CSV with a header: rank,score,key,path,label,text.
    case csv

    func render(_ hits: [SearchHit], query: [String: String]) throws -> String {
        switch self {
        case .table:
            guard !hits.isEmpty else { return "no results" }
            let captions = hits.contains { $0.text != nil }
            var lines = ["rank  score   " + (captions ? "caption  [images]" : "image")]
            for hit in hits {
                var text = String(hit.rank).leftPadded(to: 4) + String(format: "  %.4f  ", hit.score)
                if captions {
                    text += (hit.text ?? hit.key) + "  [" + (hit.imageKeys ?? []).joined(separator: ", ") + "]"
                } else {
                    text += hit.path ?? hit.key
                    if let label = hit.label { text += "  (\(label))" }
                }
                lines.append(text)
            }
            return lines.joined(separator: "\n")
        case .json:
            struct Output: Encodable {
                var query: [String: String]
                var results: [SearchHit]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(Output(query: query, results: hits)), as: UTF8.self)
        case .csv:
            var lines = ["rank,score,key,path,label,text"]
            for hit in hits {
                let fields = [String(hit.rank), String(format: "%.6f", hit.score), hit.key, hit.path ?? "", hit.label ?? "", hit.text ?? ""]
                lines.append(fields.map(Self.csvField).joined(separator: ","))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// RFC 4180 quoting.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
