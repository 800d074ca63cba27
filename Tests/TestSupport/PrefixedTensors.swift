import Checkpoint
import Tensor

extension SafetensorsFile {
    /// The tensors named `<prefix>.<rest>`, keyed by `<rest>`: one case of a fixture file that
    /// stores several cases side by side (`attention.input`, `attention.in_proj_weight`, …).
    /// Throws `FixtureError` when the file has no tensor under `prefix`.
    public func tensors(under prefix: String) throws -> [String: Tensor] {
        let start = prefix + "."
        var result: [String: Tensor] = [:]
        for name in names where name.hasPrefix(start) {
            result[String(name.dropFirst(start.count))] = try tensor(named: name)
        }
        guard !result.isEmpty else { throw FixtureError("\(url.lastPathComponent) has no tensors under \(start)") }
        return result
    }
}
