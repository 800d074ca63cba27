import Foundation
import Tensor

/// Joins several checkpoint tensors into one along their first axis, written as data: the way a
/// checkpoint with separate query, key and value projections is fitted to a model that keeps them
/// stacked (PyTorch `nn.MultiheadAttention`'s `in_proj_weight` = [W_q; W_k; W_v]).
///
/// `pattern` is a regular expression with a named group `part`; `parts` lists the values of that
/// group in stacking order; `result` is the template (`$1`, …) that names the joined tensor, expanded
/// from each part's match so that the parts of one group expand to the same name.
///
/// ```swift
/// TensorMergeRule(#"^(.+)\.self_attn\.(?<part>q|k|v)_proj\.(weight|bias)$"#, parts: ["q", "k", "v"],
///                 result: "$1.self_attn.in_proj_$3")
/// ```
public struct TensorMergeRule: Codable, Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    public let parts: [String]
    public let result: String

    public init(_ pattern: String, parts: [String], result: String) {
        self.pattern = pattern
        self.parts = parts
        self.result = result
    }

    public var description: String { "merge /\(pattern)/ parts \(parts) → \(result)" }

    /// `tensors` with every complete group of parts replaced by their concatenation.
    /// Throws when a group lacks a part or its parts disagree beyond the first axis.
    public func apply(to tensors: [String: Tensor], source: String) throws -> [String: Tensor] {
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw WeightLoadingError.invalidKeyRule(rule: description)
        }
        // Result name → (part → checkpoint name).
        var groups: [String: [String: String]] = [:]
        for name in tensors.keys {
            let range = NSRange(name.startIndex..., in: name)
            guard let match = expression.firstMatch(in: name, range: range) else { continue }
            let partRange = match.range(withName: "part")
            guard partRange.location != NSNotFound, let swiftRange = Range(partRange, in: name) else {
                throw WeightLoadingError.invalidKeyRule(rule: description)
            }
            let part = String(name[swiftRange])
            guard parts.contains(part) else { continue }
            let merged = expression.replacementString(for: match, in: name, offset: 0, template: result)
            groups[merged, default: [:]][part] = name
        }
        var output = tensors
        for (merged, members) in groups.sorted(by: { $0.key < $1.key }) {
            let missing = parts.filter { members[$0] == nil }
            if !missing.isEmpty {
                throw WeightMappingError.incompleteMerge(
                    source: source, result: merged, present: members.values.sorted(), missingParts: missing)
            }
            let pieces = parts.map { tensors[members[$0]!]! }
            let trailing = Array(pieces[0].shape.dropFirst())
            guard pieces.allSatisfy({ $0.rank >= 1 && Array($0.shape.dropFirst()) == trailing }) else {
                throw WeightMappingError.incompatibleMerge(
                    source: source, result: merged,
                    shapes: parts.map { "\(members[$0]!) \(tensors[members[$0]!]!.shape)" })
            }
            guard output[merged] == nil else { throw WeightLoadingError.duplicate(source: source, name: merged) }
            for part in parts { output[members[part]!] = nil }
            output[merged] = Tensor.concatenate(pieces, alongAxis: 0)
        }
        return output
    }
}

/// Why checkpoint tensors could not be adapted to a model's layout (before name matching).
public enum WeightMappingError: Error, Equatable, CustomStringConvertible {
    /// Some parts of a merge group are in the checkpoint, others are not.
    case incompleteMerge(source: String, result: String, present: [String], missingParts: [String])
    /// The parts of a merge group differ beyond the first axis.
    case incompatibleMerge(source: String, result: String, shapes: [String])
    /// A tensor named by a transpose rule is not a matrix.
    case notAMatrix(source: String, tensor: String, shape: [Int])
    /// A tensor named by an axis permutation has another number of axes.
    case wrongRankForPermutation(source: String, tensor: String, shape: [Int], axes: [Int])

    public var description: String {
        switch self {
        case let .incompleteMerge(source, result, present, missingParts):
            return "\(source): cannot build \(result): parts \(missingParts) are missing (found \(present.joined(separator: ", ")))"
        case let .incompatibleMerge(source, result, shapes):
            return "\(source): cannot build \(result): the parts' shapes differ beyond the first axis (\(shapes.joined(separator: ", ")))"
        case let .notAMatrix(source, tensor, shape):
            return "\(source): tensor \(tensor) should be transposed but has shape \(shape), not a matrix"
        case let .wrongRankForPermutation(source, tensor, shape, axes):
            return "\(source): tensor \(tensor) should have its axes permuted to \(axes) but has shape \(shape)"
        }
    }
}
