/// BERT's basic tokenizer (Devlin et al. 2019): text → words, before WordPiece. Steps, with the
/// variations of `BERTTextRules`:
///
/// 1. Clean: drop NUL, U+FFFD and control characters; turn whitespace characters into spaces.
/// 2. Put spaces around CJK ideographs, so each becomes its own word.
/// 3. Lower-case and strip accents (NFD, then drop Mn characters) when configured.
/// 4. Split on whitespace, then cut every punctuation character out as a word of its own.
struct BERTBasicTokenizer: Sendable {
    let rules: BERTTextRules
    let lowercases: Bool
    let stripsAccents: Bool
    let tokenizesChineseCharacters: Bool

    /// The words of a text that holds no special token.
    func words(_ text: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.count + 8)
        for scalar in text {
            if scalar.value == 0 || scalar.value == 0xFFFD || rules.isRemovedControl(scalar) { continue }
            if rules.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if tokenizesChineseCharacters && rules.isCJKIdeograph(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        switch rules {
        case .huggingFaceTokenizers:
            // The whole text at once: accents stripped first, then per-character lower-casing.
            var normalized = cleaned
            if stripsAccents { normalized = strippingAccents(normalized[...]) }
            if lowercases { normalized = Self.lowercasedPerCharacter(normalized) }
            var words: [ArraySlice<Unicode.Scalar>] = []
            var start: Int? = nil
            for (index, scalar) in normalized.enumerated() {
                let isSpace = scalar == " " || (!scalar.isASCII && scalar.properties.isWhitespace) || (scalar.value >= 0x09 && scalar.value <= 0x0D)
                if isSpace || rules.isPunctuation(scalar) {
                    if let begin = start { words.append(normalized[begin..<index]); start = nil }
                    if !isSpace { words.append(normalized[index...index]) }
                } else if start == nil {
                    start = index
                }
            }
            if let begin = start { words.append(normalized[begin..<normalized.endIndex]) }
            return words
        case .huggingFacePython, .googleResearchBERT:
            if rules == .huggingFacePython { cleaned = UnicodeNormalization.composed(cleaned) }
            var words: [ArraySlice<Unicode.Scalar>] = []
            for token in PythonStringRules.splitOnWhitespace(cleaned[...]) {
                var word: [Unicode.Scalar] = Array(token)
                if lowercases { word = PythonStringRules.lowercased(word) }
                if stripsAccents { word = strippingAccents(word[...]) }
                // Punctuation split; the pieces are re-split on whitespace by the reference
                // (`whitespace_tokenize(" ".join(...))`), which can only matter if they hold any.
                var start: Int? = nil
                for index in word.indices {
                    if rules.isPunctuation(word[index]) {
                        if let begin = start { words.append(contentsOf: PythonStringRules.splitOnWhitespace(word[begin..<index])); start = nil }
                        words.append(word[index...index])
                    } else if start == nil {
                        start = index
                    }
                }
                if let begin = start { words.append(contentsOf: PythonStringRules.splitOnWhitespace(word[begin..<word.endIndex])) }
            }
            return words
        }
    }

    /// NFD, then every nonspacing mark (Mn) removed.
    func strippingAccents(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        if text.allSatisfy({ $0.value < 0xC0 }) { return Array(text) }   // nothing below À decomposes
        return UnicodeNormalization.decomposed(text).filter { !rules.isNonspacingMark($0) }
    }

    /// Every character's full lowercase mapping, without context (Rust's `char::to_lowercase`).
    static func lowercasedPerCharacter(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        for scalar in text {
            if scalar.isASCII {
                output.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 0x20)! : scalar)
            } else if scalar.properties.changesWhenLowercased {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                output.append(scalar)
            }
        }
        return output
    }
}
