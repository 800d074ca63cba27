/// Where every token of one model row came from in the original text, and the words the row's
/// tokens form: what Hugging Face fast tokenizers return as `offset_mapping`, `word_to_chars`
/// and `word_to_tokens` (Wolf et al. 2020, "Transformers: State-of-the-Art Natural Language
/// Processing"), for CLIP's BPE and BERT's WordPiece alike:
///
///     characterRanges[t] = min start ..< max end over the sources of the scalars token t was cut from
///     words[w].characters = min start ..< max end over characterRanges[t], t ∈ words[w].tokens
///     tokenRange(coveringCharacters: c) = first ..< last + 1 of the t with characterRanges[t] ∩ c ≠ ∅
///
/// Positions count Unicode scalars of the text as given, before any cleaning (Python code points,
/// the unit of Hugging Face offsets and of spaCy or link-grammar character offsets). Every
/// normalisation step is tracked back to them (see `AlignedText`): a token made from an html
/// entity covers the whole entity, one made from a lower-cased `İ` covers the `İ`, one that
/// includes a composed accent covers the scalars it was composed from; removed characters
/// (controls, stripped accents, collapsed whitespace) belong to no token.
///
/// SA-CLIP (Li, Shao, Rajapaksha and Crespi, "SA-CLIP: Language Guided Image Spatial and
/// Action Feature Learning", §2.2.1) mean-pools the text encoder's states over the tokens of a
/// caption's subject, relation and object; with a parser's character span, for instance
/// "in front of" at scalars 6..<17, `tokenRange(coveringCharacters:)` gives those row positions.
public struct TokenSpans: Equatable, Sendable {
    /// Per position of the row (padding included), the scalars of the original text its token
    /// was made from; the empty range `0..<0` for the tokens the tokenizer adds (start, end,
    /// padding). Several tokens can share scalars: byte-level BPE may cut one character into
    /// several tokens.
    public let characterRanges: [Range<Int>]
    /// The words the row holds, in text order. A word the truncation to the row's length cut
    /// entirely is absent; one it cut partway has only its kept tokens and their characters.
    public let words: [WordSpan]

    public init(characterRanges: [Range<Int>], words: [WordSpan]) {
        self.characterRanges = characterRanges
        self.words = words
    }

    /// The row positions of all tokens whose characters overlap `characters` (from the first
    /// such token to the last), or nil when none does (an empty span, whitespace only, or text
    /// cut off by truncation).
    public func tokenRange(coveringCharacters characters: Range<Int>) -> Range<Int>? {
        guard let first = characterRanges.firstIndex(where: { $0.overlaps(characters) }),
              let last = characterRanges.lastIndex(where: { $0.overlaps(characters) }) else { return nil }
        return first..<(last + 1)
    }

    /// The indices into `words` of all words whose characters overlap `characters`, or nil when
    /// none does.
    public func wordRange(coveringCharacters characters: Range<Int>) -> Range<Int>? {
        guard let first = words.firstIndex(where: { $0.characters.overlaps(characters) }),
              let last = words.lastIndex(where: { $0.characters.overlaps(characters) }) else { return nil }
        return first..<(last + 1)
    }

    /// The scalar offsets of a range of `text`'s indices, the unit `TokenSpans` counts in.
    public static func scalarRange(of range: Range<String.Index>, in text: String) -> Range<Int> {
        let scalars = text.unicodeScalars
        let start = scalars.distance(from: scalars.startIndex, to: range.lowerBound)
        return start..<(start + scalars.distance(from: range.lowerBound, to: range.upperBound))
    }
}

extension TokenSpans {
    /// The spans of a row `[start] + text tokens[..<keptCount] + [end] + padding`, `rowLength`
    /// long, from each text token's source and each word's range of text-token indices.
    init(rowLength: Int, keptCount: Int, tokenSources: [Range<Int>], wordTokens: [Range<Int>]) {
        precondition(keptCount + 2 <= rowLength && keptCount <= tokenSources.count, "the row holds the kept tokens and two special ones")
        var ranges = [Range<Int>](repeating: 0..<0, count: rowLength)
        for index in 0..<keptCount { ranges[1 + index] = tokenSources[index] }
        var words: [WordSpan] = []
        words.reserveCapacity(wordTokens.count)
        for word in wordTokens where word.lowerBound < keptCount {
            let tokens = (1 + word.lowerBound)..<(1 + min(word.upperBound, keptCount))
            var lower = ranges[tokens.lowerBound].lowerBound, upper = ranges[tokens.lowerBound].upperBound
            for position in tokens.dropFirst() {
                lower = min(lower, ranges[position].lowerBound)
                upper = max(upper, ranges[position].upperBound)
            }
            words.append(WordSpan(characters: lower..<upper, tokens: tokens))
        }
        self.init(characterRanges: ranges, words: words)
    }
}
