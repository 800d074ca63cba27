/// A zero-shot prompt such as "a photo of a {}." into which a class name is substituted
/// (Radford et al. 2021, "Learning Transferable Visual Models From Natural Language Supervision",
/// §3.1.4: prompt engineering and ensembling). Stored as the text before and after each
/// placeholder, so filling is plain concatenation.
public struct PromptTemplate: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Literal text around the placeholders: `pieces.count` = placeholders + 1.
    public let pieces: [String]

    /// A template from literal pieces; the class name goes between consecutive pieces.
    public init(pieces: [String]) {
        precondition(!pieces.isEmpty, "a template has at least one piece")
        self.pieces = pieces
    }

    /// Parses the body of a Python f-string whose only replacement field is `{placeholder}`
    /// (`{{` and `}}` are literal braces).
    init(formatString: String, placeholder: String, line: Int) throws {
        var pieces = [""]
        var characters = formatString[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            if (character == "{" || character == "}") && characters.first == character {
                characters = characters.dropFirst()
                pieces[pieces.count - 1].append(character)
            } else if character == "{" {
                guard let end = characters.firstIndex(of: "}") else {
                    throw ModelError.pythonSyntax(line: line, message: "unclosed '{' in f-string")
                }
                let field = characters[..<end]
                guard field == placeholder else {
                    throw ModelError.pythonSyntax(line: line, message: "f-string field {\(field)} is not the lambda's parameter {\(placeholder)}")
                }
                pieces.append("")
                characters = characters[characters.index(after: end)...]
            } else if character == "}" {
                throw ModelError.pythonSyntax(line: line, message: "single '}' in f-string")
            } else {
                pieces[pieces.count - 1].append(character)
            }
        }
        self.init(pieces: pieces)
    }

    /// The prompt for `className`.
    public func filled(with className: String) -> String {
        pieces.joined(separator: className)
    }

    /// The template with `{}` marking each placeholder.
    public var description: String { pieces.joined(separator: "{}") }
}
