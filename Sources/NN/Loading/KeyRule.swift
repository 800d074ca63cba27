import Foundation

/// One rewrite of checkpoint tensor names, written as data: a regular expression and its
/// replacement template (`$1` for capture groups). Rules apply in order, each to the result of
/// the previous one, so a model's list reads as the story of how its upstream names map to ours.
///
/// ```swift
/// KeyRule(#"^module\."#, "")                                   // strip DataParallel's prefix
/// KeyRule(#"^encoder\.layer\.(\d+)\."#, "encoder.layers.$1.")  // rename a block list
/// ```
public struct KeyRule: Codable, Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    public let replacement: String

    public init(_ pattern: String, _ replacement: String) {
        self.pattern = pattern
        self.replacement = replacement
    }

    public var description: String { "s/\(pattern)/\(replacement)/" }

    /// `name` with this rule applied (unchanged when the pattern does not match).
    public func apply(to name: String) throws -> String {
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw WeightLoadingError.invalidKeyRule(rule: description)
        }
        let range = NSRange(name.startIndex..., in: name)
        return expression.stringByReplacingMatches(in: name, range: range, withTemplate: replacement)
    }

    /// `name` after every rule in `rules`, in order.
    public static func apply(_ rules: [KeyRule], to name: String) throws -> String {
        try rules.reduce(name) { try $1.apply(to: $0) }
    }
}
