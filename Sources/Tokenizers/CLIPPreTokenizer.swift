/// Splits cleaned text into the pieces CLIP encodes with BPE. It follows the regular expression
/// of OpenAI CLIP's `SimpleTokenizer` (Radford et al. 2021), matched case-insensitively:
///
///     <start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
///
/// At each position the alternatives are tried in that order: a special-token spelling, an
/// English contraction, a run of letters (general category L), one number character
/// (category N), or a run of anything else that is not whitespace. Whitespace starts no piece.
/// Matching is by Unicode scalar, as Python's `regex` module matches code points. Case-insensitive
/// matching of the literal alternatives uses simple case folding, so `ſ` (U+017F) matches `s`.
enum CLIPPreTokenizer {
    static let specialTokenSpellings: [[Unicode.Scalar]] = [
        Array("<start_of_text>".unicodeScalars), Array("<end_of_text>".unicodeScalars),
    ]
    static let contractions: [[Unicode.Scalar]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]
        .map { Array($0.unicodeScalars) }

    /// Calls `body` with each piece's range in `text`, in order.
    static func forEachPiece(in text: [Unicode.Scalar], _ body: (Range<Int>) -> Void) {
        var index = 0
        let count = text.count
        while index < count {
            let scalar = text[index]
            if isRegexWhitespace(scalar) {
                index += 1
                continue
            }
            if scalar == "<", let length = matchedLiteral(specialTokenSpellings, in: text, at: index) {
                body(index..<(index + length))
                index += length
                continue
            }
            if scalar == "'", let length = matchedLiteral(contractions, in: text, at: index) {
                body(index..<(index + length))
                index += length
                continue
            }
            let kind = CharacterKind(scalar)
            var end = index + 1
            switch kind {
            case .letter:
                while end < count && CharacterKind(text[end]) == .letter { end += 1 }
            case .number:
                break
            case .other:
                while end < count && CharacterKind(text[end]) == .other && !isRegexWhitespace(text[end]) { end += 1 }
            }
            body(index..<end)
            index = end
        }
    }

    enum CharacterKind: Equatable {
        case letter, number, other

        @inline(__always)
        init(_ scalar: Unicode.Scalar) {
            let value = scalar.value
            if value < 0x80 {
                if (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) { self = .letter }
                else if value >= 0x30 && value <= 0x39 { self = .number }
                else { self = .other }
                return
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                self = .letter
            case .decimalNumber, .letterNumber, .otherNumber:
                self = .number
            default:
                self = .other
            }
        }
    }

    /// `\s` of Python's `regex` module: the White_Space property.
    @inline(__always)
    static func isRegexWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D)) : scalar.properties.isWhitespace
    }

    /// Length of the first literal (in list order) that matches case-insensitively at `start`.
    private static func matchedLiteral(_ literals: [[Unicode.Scalar]], in text: [Unicode.Scalar], at start: Int) -> Int? {
        for literal in literals where start + literal.count <= text.count {
            var matches = true
            for (offset, expected) in literal.enumerated() where !foldsEqual(text[start + offset], expected) {
                matches = false
                break
            }
            if matches { return literal.count }
        }
        return nil
    }

    /// Whether `scalar` equals the lowercase ASCII `literal` under simple case folding.
    @inline(__always)
    private static func foldsEqual(_ scalar: Unicode.Scalar, _ literal: Unicode.Scalar) -> Bool {
        if scalar == literal { return true }
        if literal.value >= 0x61 && literal.value <= 0x7A && scalar.value == literal.value - 0x20 { return true }
        if literal == "s" && scalar == "\u{17F}" { return true }   // LATIN SMALL LETTER LONG S
        if literal == "k" && scalar == "\u{212A}" { return true }  // KELVIN SIGN
        return false
    }
}
