import ArgumentParser
import Foundation
import Tensor

extension InferencePrecision {
    /// The value of a `--precision` option; on a CPU without the precision's kernels, prints the
    /// one-line fallback notice and returns what will actually run (fp32).
    static func parsedOption(_ text: String) throws -> InferencePrecision {
        guard let requested = InferencePrecision(rawValue: text.lowercased()) else {
            throw ValidationError("--precision must be one of \(allCases.map(\.rawValue).joined(separator: ", ")), got \(text)")
        }
        let (precision, notice) = requested.resolved
        if let notice { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
        return precision
    }
}
