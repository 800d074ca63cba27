/// One text as a BERT model takes it: `[CLS] pieces… [SEP]`, unpadded.
public struct WordPieceEncoding: Equatable, Sendable {
    public var inputIDs: [Int]
    /// 1 for every token (there is no padding in a single encoding).
    public var attentionMask: [Int]
    /// 0 for every token: one segment.
    public var tokenTypeIDs: [Int]

    public init(inputIDs: [Int], attentionMask: [Int], tokenTypeIDs: [Int]) {
        self.inputIDs = inputIDs
        self.attentionMask = attentionMask
        self.tokenTypeIDs = tokenTypeIDs
    }
}

/// Several texts as one row-major `[count, length]` batch: ids padded with the padding token's id,
/// attention mask 1 on real tokens and 0 on padding, token type ids 0.
public struct WordPieceBatch: Equatable, Sendable {
    /// Number of texts (rows).
    public let count: Int
    /// Tokens per row.
    public let length: Int
    public let inputIDs: [Int32]
    public let attentionMask: [Int32]
    public let tokenTypeIDs: [Int32]
    /// Real (non-padding) tokens per row, `[CLS]` and `[SEP]` included.
    public let tokenCounts: [Int]

    public init(count: Int, length: Int, inputIDs: [Int32], attentionMask: [Int32], tokenTypeIDs: [Int32], tokenCounts: [Int]) {
        precondition(inputIDs.count == count * length && attentionMask.count == count * length && tokenTypeIDs.count == count * length,
                     "every matrix must hold count × length values")
        precondition(tokenCounts.count == count, "one token count per row")
        self.count = count
        self.length = length
        self.inputIDs = inputIDs
        self.attentionMask = attentionMask
        self.tokenTypeIDs = tokenTypeIDs
        self.tokenCounts = tokenCounts
    }

    /// The ids of row `index`, padding included.
    public func row(_ index: Int) -> ArraySlice<Int32> {
        inputIDs[(index * length)..<((index + 1) * length)]
    }
}
