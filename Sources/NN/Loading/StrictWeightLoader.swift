import Foundation
import Tensor

/// Copies a checkpoint's tensors into a model's parameters, strictly: every parameter must be
/// filled, every checkpoint tensor must be used (or explicitly ignored), and shapes must match.
/// Any violation throws one error listing every offending name; nothing falls back to random
/// values and the model is left untouched when loading fails.
public struct StrictWeightLoader: Sendable {
    /// Rewrites from checkpoint names to the model's parameter names, applied in order.
    public var rules: [KeyRule]
    /// Regular expressions for checkpoint tensors the model deliberately does not use
    /// (e.g. `position_ids` buffers, or a classifier head when only the encoder is loaded).
    public var ignoredNames: [String]

    public init(rules: [KeyRule] = [], ignoredNames: [String] = []) {
        self.rules = rules
        self.ignoredNames = ignoredNames
    }

    /// Loads `tensors` (checkpoint name → value) into `model`.
    /// - Parameter source: the file name, for error messages.
    public func load(_ tensors: [String: Tensor], into model: any Module, source: String) throws {
        let parameters = model.parameterDictionary
        let ignored = try ignoredNames.map { pattern in
            do { return try NSRegularExpression(pattern: pattern) } catch {
                throw WeightLoadingError.invalidKeyRule(rule: pattern)
            }
        }
        var assignments: [(Parameter, Tensor)] = []
        var filled = Set<String>()
        var unused: [String] = [], mismatched: [String] = []
        for (checkpointName, tensor) in tensors.sorted(by: { $0.key < $1.key }) {
            let name = try KeyRule.apply(rules, to: checkpointName)
            guard let parameter = parameters[name] else {
                let range = NSRange(checkpointName.startIndex..., in: checkpointName)
                if !ignored.contains(where: { $0.firstMatch(in: checkpointName, range: range) != nil }) {
                    unused.append(checkpointName == name ? checkpointName : "\(checkpointName) (as \(name))")
                }
                continue
            }
            let expected = parameter.value.shape
            // A scalar stored as [1] (or the reverse) is the same value.
            let sameShape = tensor.shape == expected || (tensor.count == 1 && parameter.value.count == 1)
            guard sameShape else {
                mismatched.append("\(checkpointName): checkpoint \(tensor.shape), model \(expected)")
                continue
            }
            if !filled.insert(name).inserted {
                throw WeightLoadingError.duplicate(source: source, name: name)
            }
            assignments.append((parameter, tensor.reshaped(expected)))
        }
        let missing = parameters.keys.filter { !filled.contains($0) }.sorted()
        if !missing.isEmpty || !unused.isEmpty || !mismatched.isEmpty {
            throw WeightLoadingError.mismatch(source: source, missing: missing, unused: unused, wrongShape: mismatched)
        }
        for (parameter, tensor) in assignments { parameter.value = tensor }
    }
}

/// Why a checkpoint could not be loaded into a model.
public enum WeightLoadingError: Error, CustomStringConvertible, Equatable {
    case mismatch(source: String, missing: [String], unused: [String], wrongShape: [String])
    case duplicate(source: String, name: String)
    case invalidKeyRule(rule: String)

    public var description: String {
        switch self {
        case let .mismatch(source, missing, unused, wrongShape):
            var lines = ["\(source) does not fit the model:"]
            func list(_ title: String, _ names: [String]) {
                guard !names.isEmpty else { return }
                lines.append("  \(names.count) \(title):")
                lines += names.prefix(20).map { "    \($0)" }
                if names.count > 20 { lines.append("    … and \(names.count - 20) more") }
            }
            list("missing from the checkpoint", missing)
            list("in the checkpoint but not in the model", unused)
            list("with the wrong shape", wrongShape)
            return lines.joined(separator: "\n")
        case let .duplicate(source, name):
            return "\(source): two checkpoint tensors map to the parameter \(name); check the key rules"
        case let .invalidKeyRule(rule):
            return "invalid key rule \(rule): not a valid regular expression"
        }
    }
}
