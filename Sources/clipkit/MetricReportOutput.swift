import Foundation

/// `--json` for the metric commands: the report as pretty JSON to a file, or to standard output
/// instead of the text lines when the value is `-`.
enum MetricReportOutput {
    /// Writes `report` as `json` says; returns true when standard output got the JSON (print no text then).
    static func write<Report: Encodable>(_ report: Report, json: String?) throws -> Bool {
        guard let json else { return false }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(report) + Data("\n".utf8)
        if json == "-" {
            FileHandle.standardOutput.write(data)
            return true
        }
        try data.write(to: CollectionSourceOptions.url(json), options: .atomic)
        note("report written to \(json)")
        return false
    }
}
