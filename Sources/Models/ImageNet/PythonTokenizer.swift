/// Splits Python source into `PythonToken`s without executing anything: string literals in all
/// quote styles (single, double, triple) with the prefixes r, u, b, f and their combinations,
/// backslash escapes as Python decodes them (\\n, \\t, \\xNN, \\uNNNN, \\UNNNNNNNN, octal, line
/// continuations; unknown escapes keep the backslash), `#` comments, names and numbers.
struct PythonTokenizer {
    private let characters: [Character]
    private var position = 0
    private var line = 1

    init(_ source: String) {
        characters = Array(source)
    }

    /// Every token of the source.
    mutating func tokens() throws -> [PythonLocatedToken] {
        var result: [PythonLocatedToken] = []
        while let token = try next() { result.append(token) }
        return result
    }

    private var current: Character? { position < characters.count ? characters[position] : nil }

    private func peek(_ offset: Int) -> Character? {
        position + offset < characters.count ? characters[position + offset] : nil
    }

    private mutating func advance() -> Character {
        let character = characters[position]
        position += 1
        if character == "\n" { line += 1 }
        return character
    }

    private mutating func next() throws -> PythonLocatedToken? {
        // Whitespace, newlines, comments and explicit line joins.
        while let character = current {
            if character == "#" {
                while let comment = current, comment != "\n" { _ = advance() }
            } else if character.isWhitespace || (character == "\\" && peek(1)?.isNewline == true) {
                _ = advance()
            } else {
                break
            }
        }
        guard let character = current else { return nil }
        let startLine = line
        if character.isLetter || character == "_" {
            var word = ""
            while let letter = current, letter.isLetter || letter.isNumber || letter == "_" { word.append(advance()) }
            // A string prefix directly followed by a quote.
            if let quote = current, quote == "'" || quote == "\"", Self.isStringPrefix(word.lowercased()) {
                let text = try stringBody(raw: word.lowercased().contains("r"), startLine: startLine)
                return PythonLocatedToken(token: .string(prefix: word.lowercased(), text: text), line: startLine)
            }
            return PythonLocatedToken(token: .name(word), line: startLine)
        }
        if character == "'" || character == "\"" {
            return PythonLocatedToken(token: .string(prefix: "", text: try stringBody(raw: false, startLine: startLine)), line: startLine)
        }
        if character.isNumber {
            var digits = ""
            while let digit = current, digit.isNumber || digit.isLetter || digit == "." || digit == "_" { digits.append(advance()) }
            return PythonLocatedToken(token: .number(digits), line: startLine)
        }
        return PythonLocatedToken(token: .punctuation(advance()), line: startLine)
    }

    private static func isStringPrefix(_ prefix: String) -> Bool {
        ["r", "u", "b", "f", "br", "rb", "fr", "rf"].contains(prefix)
    }

    /// Reads a literal starting at its opening quote and returns its decoded text.
    private mutating func stringBody(raw: Bool, startLine: Int) throws -> String {
        let quote = advance()
        var isTriple = false
        if current == quote && peek(1) == quote {
            _ = advance(); _ = advance()
            isTriple = true
        } else if current == quote {
            _ = advance()
            return ""
        }
        var text = ""
        while true {
            guard let character = current else {
                throw ModelError.pythonSyntax(line: startLine, message: "unterminated string literal")
            }
            if character == quote {
                if !isTriple { _ = advance(); return text }
                if peek(1) == quote && peek(2) == quote {
                    _ = advance(); _ = advance(); _ = advance()
                    return text
                }
            }
            if character.isNewline && !isTriple {
                throw ModelError.pythonSyntax(line: startLine, message: "unterminated string literal")
            }
            if character == "\\" {
                _ = advance()
                guard let escaped = current else { continue }
                if raw {
                    // Raw strings keep the backslash; it still protects the next quote.
                    text.append("\\")
                    text.append(advance())
                } else {
                    text += try escape(escaped, startLine: startLine)
                }
                continue
            }
            text.append(advance())
        }
    }

    /// Decodes the escape whose backslash has been consumed.
    private mutating func escape(_ character: Character, startLine: Int) throws -> String {
        let simple: [Character: String] = [
            "\n": "", "\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}",
            "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}",
        ]
        if let decoded = simple[character] {
            _ = advance()
            return decoded
        }
        func hexadecimal(_ count: Int) throws -> String {
            _ = advance()
            var digits = ""
            for _ in 0..<count {
                guard let digit = current, digit.isHexDigit else {
                    throw ModelError.pythonSyntax(line: startLine, message: "truncated \\\(character) escape")
                }
                digits.append(advance())
            }
            guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw ModelError.pythonSyntax(line: startLine, message: "invalid \\\(character)\(digits) escape")
            }
            return String(Character(scalar))
        }
        switch character {
        case "x": return try hexadecimal(2)
        case "u": return try hexadecimal(4)
        case "U": return try hexadecimal(8)
        case "0"..."7":
            var digits = ""
            while digits.count < 3, let digit = current, ("0"..."7").contains(digit) { digits.append(advance()) }
            return String(Character(Unicode.Scalar(UInt32(digits, radix: 8) ?? 0) ?? "\u{0}"))
        case "N":
            throw ModelError.pythonSyntax(line: startLine, message: "named \\N{…} escapes are not supported")
        default:
            return "\\"  // Unknown escapes keep their backslash; the character follows as text.
        }
    }
}
