/// The ids one text encodes to, before a model row is built, with (when sources are tracked)
/// each token's source range in the original text and each word's range of token indices.
/// The ids-only paths fill only `ids`.
struct TrackedTokens {
    var ids: [Int32] = []
    /// Per id, the scalars of the original text it came from; nil when not tracked.
    private(set) var tokenSources: [Range<Int>]?
    /// Per word, its range of indices into `ids`; nil when not tracked.
    private(set) var wordTokens: [Range<Int>]?

    init(tracksSources: Bool, capacity: Int) {
        ids.reserveCapacity(capacity)
        if tracksSources {
            tokenSources = []
            wordTokens = []
        }
    }

    var tracksSources: Bool { tokenSources != nil }

    /// Records the source of the next token whose source is not known yet.
    mutating func recordTokenSource(_ source: Range<Int>) {
        tokenSources!.append(source)
    }

    /// Records that the tokens from `firstToken` to the last one form a word.
    mutating func recordWord(from firstToken: Int) {
        precondition(tokenSources!.count == ids.count, "every token of a word has its source")
        wordTokens!.append(firstToken..<ids.count)
    }

    /// The spans of the row `[start] + ids[..<keptCount] + [end]`, padded to `rowLength`.
    func spans(rowLength: Int, keptCount: Int) -> TokenSpans {
        TokenSpans(rowLength: rowLength, keptCount: keptCount, tokenSources: tokenSources!, wordTokens: wordTokens!)
    }
}
