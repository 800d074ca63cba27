/// Reads the value of a top-level `NAME = (…)` or `NAME = […]` assignment in Python source when
/// its elements are string literals (adjacent literals concatenate, as in Python) or one-argument
/// lambdas returning an f-string (`lambda c: f'a photo of a {c}.'`). Nothing is executed; any other
/// element is a syntax error naming its line.
struct PythonSequenceLiteral {
    /// One element of the sequence.
    enum Element: Equatable {
        case string(String)
        case template(PromptTemplate)
    }

    let name: String
    let elements: [Element]

    /// Finds the first assignment to `name` at the start of a statement in `tokens`.
    init(named name: String, in tokens: [PythonLocatedToken]) throws {
        guard let start = tokens.indices.first(where: { index in
            index + 2 < tokens.count && tokens[index].token == .name(name)
                && tokens[index + 1].token == .punctuation("=") && tokens[index + 2].token.isOpeningBracket
                && (index == 0 || tokens[index - 1].line < tokens[index].line)
        }) else {
            throw ModelError.missingAssignment(name: name)
        }
        let closing: Character = tokens[start + 2].token == .punctuation("(") ? ")" : "]"
        var elements: [Element] = []
        var index = start + 3
        func token(at position: Int) throws -> PythonLocatedToken {
            guard position < tokens.count else {
                throw ModelError.pythonSyntax(line: tokens[start].line, message: "\(name) is not closed")
            }
            return tokens[position]
        }
        while true {
            let located = try token(at: index)
            if located.token == .punctuation(closing) { break }
            switch located.token {
            case .string(let prefix, let text):
                guard !prefix.contains("b"), !prefix.contains("f") else {
                    throw ModelError.pythonSyntax(line: located.line, message: "\(name): expected a plain string, found a \(prefix)-string")
                }
                var value = text
                index += 1
                // Adjacent literals concatenate.
                while case .string(let nextPrefix, let nextText) = try token(at: index).token, !nextPrefix.contains("b"),
                      !nextPrefix.contains("f") {
                    value += nextText
                    index += 1
                }
                elements.append(.string(value))
            case .name("lambda"):
                guard case .name(let parameter) = try token(at: index + 1).token,
                      try token(at: index + 2).token == .punctuation(":"),
                      case .string(let prefix, let body) = try token(at: index + 3).token, prefix.contains("f") else {
                    throw ModelError.pythonSyntax(line: located.line, message: "\(name): expected `lambda c: f'…{c}…'`")
                }
                elements.append(.template(try PromptTemplate(formatString: body, placeholder: parameter, line: located.line)))
                index += 4
            default:
                throw ModelError.pythonSyntax(line: located.line, message: "\(name): expected a string literal, found \(located.token)")
            }
            // A comma, or the end of the sequence.
            let separator = try token(at: index)
            if separator.token == .punctuation(",") {
                index += 1
            } else if separator.token != .punctuation(closing) {
                throw ModelError.pythonSyntax(line: separator.line, message: "\(name): expected ',' or '\(closing)', found \(separator.token)")
            }
        }
        self.name = name
        self.elements = elements
    }

    /// The elements as plain strings; throws if any is a template.
    func strings() throws -> [String] {
        try elements.map { element in
            guard case .string(let text) = element else {
                throw ModelError.unexpectedElements(name: name, expected: "string literals")
            }
            return text
        }
    }

    /// The elements as prompt templates; throws if any is a plain string.
    func templates() throws -> [PromptTemplate] {
        try elements.map { element in
            guard case .template(let template) = element else {
                throw ModelError.unexpectedElements(name: name, expected: "lambda f-string templates")
            }
            return template
        }
    }
}
