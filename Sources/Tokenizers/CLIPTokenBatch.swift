/// Token ids of several texts in one row-major `[count, contextLength]` matrix, as open_clip's
/// `tokenize` returns them: each row is `<start_of_text> tokens… <end_of_text>` followed by
/// zeros, truncated to the context length with `<end_of_text>` kept as the last token.
public struct CLIPTokenBatch: Equatable, Sendable {
    /// Number of texts (rows).
    public let count: Int
    /// Tokens per row.
    public let contextLength: Int
    /// `count × contextLength` ids, row-major.
    public let tokens: [Int32]
    /// Per row, the index of the first `<end_of_text>` id: the largest id in the vocabulary, so
    /// this is the `argmax` position at which CLIP's text transformer pools its output. For text
    /// that does not itself spell `<end_of_text>`, it is the index of the final token.
    public let endOfTextPositions: [Int]

    public init(count: Int, contextLength: Int, tokens: [Int32], endOfTextPositions: [Int]) {
        precondition(tokens.count == count * contextLength, "tokens must hold count × contextLength ids")
        precondition(endOfTextPositions.count == count, "one end-of-text position per row")
        self.count = count
        self.contextLength = contextLength
        self.tokens = tokens
        self.endOfTextPositions = endOfTextPositions
    }

    /// The ids of row `index`, padding included.
    public func row(_ index: Int) -> ArraySlice<Int32> {
        tokens[(index * contextLength)..<((index + 1) * contextLength)]
    }
}
