import Foundation

/// Runs a reference script from `scripts/` and reads the JSON object it prints last.
enum ReferenceRunner {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(script: String, arguments: [String], python: String?) throws -> [String: Double] {
        let interpreter = python ?? ProcessInfo.processInfo.environment["CLIPKIT_REFERENCE_PYTHON"] ?? "python3"
        let scriptURL = repositoryRoot.appendingPathComponent("scripts").appendingPathComponent(script)
        guard FileManager.default.fileExists(atPath: scriptURL.path) else {
            throw Failure(description: "reference script \(scriptURL.path) not found")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, scriptURL.path] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: """
                the reference (\(interpreter) \(script)) failed: \(errorText.suffix(600))
                Create a Python with PyTorch outside the repository, e.g.
                  python3 -m venv ~/clipkit-reference && ~/clipkit-reference/bin/pip install torch numpy
                and pass --python ~/clipkit-reference/bin/python (or set CLIPKIT_REFERENCE_PYTHON).
                """)
        }
        let lastLine = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any] else {
            throw Failure(description: "the reference printed no JSON object: \(lastLine)")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// The checkout this executable was built from (for scripts/), or the working directory.
    static var repositoryRoot: URL {
        let source = URL(fileURLWithPath: #filePath)
        let root = source.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: root.appendingPathComponent("scripts").path) { return root }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}

/// One printed row: CLIPKit's value, the reference's, and their ratio oriented so > 1 means
/// CLIPKit is faster.
struct ComparisonRow {
    let name: String
    let unit: String
    let clipkit: Double
    let reference: Double?
    let higherIsBetter: Bool

    static func printTable(_ rows: [ComparisonRow], referenceName: String) {
        let nameWidth = max(rows.map(\.name.count).max() ?? 0, 10)
        print(pad("measurement", nameWidth) + "  " + pad("CLIPKit", 14) + "  " + pad(referenceName, 14) + "  ratio (>1: CLIPKit faster)")
        for row in rows {
            let referenceText = row.reference.map { format($0) + " " + row.unit } ?? "—"
            var ratioText = "—"
            if let reference = row.reference, reference > 0, row.clipkit > 0 {
                ratioText = String(format: "%.2f×", row.higherIsBetter ? row.clipkit / reference : reference / row.clipkit)
            }
            print(pad(row.name, nameWidth) + "  " + pad(format(row.clipkit) + " " + row.unit, 14) + "  "
                  + pad(referenceText, 14) + "  " + ratioText)
        }
    }

    private static func format(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : (value >= 1 ? String(format: "%.2f", value) : String(format: "%.4f", value))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
