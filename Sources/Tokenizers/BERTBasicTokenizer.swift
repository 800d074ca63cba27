/// BERT's basic tokenizer (Devlin et al. 2019): text → words, before WordPiece. Steps, with the
/// variations of `BERTTextRules`:
///
/// 1. Clean: drop NUL, U+FFFD and control characters; turn whitespace characters into spaces.
/// 2. Put spaces around CJK ideographs, so each becomes its own word.
/// 3. Lower-case and strip accents (NFD, then drop Mn characters) when configured.
/// 4. Split on whitespace, then cut every punctuation character out as a word of its own.
///
/// Every step carries the sources of `AlignedText`, so each word knows the scalars of the input
/// it came from.
struct BERTBasicTokenizer: Sendable {
    let rules: BERTTextRules
    let lowercases: Bool
    let stripsAccents: Bool
    let tokenizesChineseCharacters: Bool

    /// The words of a text that holds no special token: the normalized text and each word's
    /// range in it, in order.
    func words<Tracking>(_ text: AlignedText<Tracking>) -> (normalized: AlignedText<Tracking>, words: [Range<Int>]) {
        var cleaned = AlignedText<Tracking>.emptyOutput(reservingCapacity: text.count + 8)
        for (index, scalar) in text.scalars.enumerated() {
            if scalar.value == 0 || scalar.value == 0xFFFD || rules.isRemovedControl(scalar) { continue }
            let source = text.source(at: index)
            if rules.isWhitespace(scalar) {
                cleaned.append(" ", source: source)
            } else if tokenizesChineseCharacters && rules.isCJKIdeograph(scalar) {
                cleaned.append(" ", source: source)
                cleaned.append(scalar, source: source)
                cleaned.append(" ", source: source)
            } else {
                cleaned.append(scalar, source: source)
            }
        }
        switch rules {
        case .huggingFaceTokenizers:
            // The whole text at once: accents stripped first, then per-character lower-casing.
            var normalized = cleaned
            if stripsAccents { normalized = strippingAccents(normalized) }
            if lowercases { normalized = Self.lowercasedPerCharacter(normalized) }
            var words: [Range<Int>] = []
            var start: Int? = nil
            for (index, scalar) in normalized.scalars.enumerated() {
                let isSpace = scalar == " " || (!scalar.isASCII && scalar.properties.isWhitespace) || (scalar.value >= 0x09 && scalar.value <= 0x0D)
                if isSpace || rules.isPunctuation(scalar) {
                    if let begin = start { words.append(begin..<index); start = nil }
                    if !isSpace { words.append(index..<(index + 1)) }
                } else if start == nil {
                    start = index
                }
            }
            if let begin = start { words.append(begin..<normalized.count) }
            return (normalized, words)
        case .huggingFacePython, .googleResearchBERT:
            if rules == .huggingFacePython { cleaned = UnicodeNormalization.composed(cleaned) }
            // Each whitespace-separated token is normalized on its own (lower-casing looks at the
            // token for final sigma); the results are laid end to end in one text.
            var normalized = AlignedText<Tracking>.emptyOutput(reservingCapacity: cleaned.count)
            var words: [Range<Int>] = []
            for token in PythonStringRules.splitOnWhitespace(cleaned.scalars[...]) {
                var word = cleaned[token.indices]
                if lowercases { word = PythonStringRules.lowercased(word) }
                if stripsAccents { word = strippingAccents(word) }
                let offset = normalized.count
                normalized.append(word)
                // Punctuation split; the pieces are re-split on whitespace by the reference
                // (`whitespace_tokenize(" ".join(...))`), which can only matter if they hold any.
                func appendPieces(_ range: Range<Int>) {
                    for piece in PythonStringRules.splitOnWhitespace(word.scalars[range]) {
                        words.append((offset + piece.startIndex)..<(offset + piece.endIndex))
                    }
                }
                var start: Int? = nil
                for index in word.scalars.indices {
                    if rules.isPunctuation(word.scalars[index]) {
                        if let begin = start { appendPieces(begin..<index); start = nil }
                        words.append((offset + index)..<(offset + index + 1))
                    } else if start == nil {
                        start = index
                    }
                }
                if let begin = start { appendPieces(begin..<word.count) }
            }
            return (normalized, words)
        }
    }

    /// NFD, then every nonspacing mark (Mn) removed.
    func strippingAccents<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        if text.scalars.allSatisfy({ $0.value < 0xC0 }) { return text }   // nothing below À decomposes
        return UnicodeNormalization.decomposed(text).removingAll(where: rules.isNonspacingMark)
    }

    /// `strippingAccents` of plain scalars.
    func strippingAccents(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        strippingAccents(AlignedText<SourcesIgnored>(Array(text))).scalars
    }

    /// Every character's full lowercase mapping, without context (Rust's `char::to_lowercase`);
    /// every scalar of a mapping covers the scalar it maps.
    static func lowercasedPerCharacter<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: text.count)
        for (index, scalar) in text.scalars.enumerated() {
            if scalar.isASCII {
                output.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 0x20)! : scalar, source: text.source(at: index))
            } else if scalar.properties.changesWhenLowercased {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars, source: text.source(at: index))
            } else {
                output.append(scalar, source: text.source(at: index))
            }
        }
        return output
    }
}
