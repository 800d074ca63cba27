import ArgumentParser
import Foundation

/// The report options every metric command shares: `--json FILE|-` (the report as pretty JSON
/// to a file, or to standard output instead of the text lines) and `--quiet` (no progress bars).
struct MetricReportOptions: ParsableArguments {
    @Option(help: "Also write the report as JSON to this file (- for standard output instead of the text).")
    var json: String?

    @Flag(help: "No progress bars.")
    var quiet = false

    /// A progress bar labelled `label`, or nil with `--quiet`.
    func progress(_ label: String) -> ((Int, Int) -> Void)? {
        quiet ? nil : ProgressBar.callback(label: label)
    }

    /// Writes `report` as `--json` says; returns true when standard output got the JSON (print no text then).
    func write<Report: Encodable>(_ report: Report) throws -> Bool {
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
