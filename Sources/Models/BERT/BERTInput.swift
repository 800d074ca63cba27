import Tokenizers

/// A batch of token sequences as a BERT encoder takes them: row-major `[batch, length]` matrices
/// of token ids, attention mask (1 = real token, 0 = padding) and token type (segment) ids.
public struct BERTInput: Sendable, Equatable {
    public let batch: Int
    public let length: Int
    public let tokenIDs: [Int]
    public let attentionMask: [Int]
    public let tokenTypeIDs: [Int]

    /// - Parameters:
    ///   - attentionMask: nil means every token is real.
    ///   - tokenTypeIDs: nil means segment 0 everywhere.
    public init(batch: Int, length: Int, tokenIDs: [Int], attentionMask: [Int]? = nil, tokenTypeIDs: [Int]? = nil) {
        precondition(tokenIDs.count == batch * length, "\(tokenIDs.count) token ids do not fill [\(batch), \(length)]")
        precondition(attentionMask.map { $0.count == batch * length } ?? true, "the attention mask is not [\(batch), \(length)]")
        precondition(tokenTypeIDs.map { $0.count == batch * length } ?? true, "the token type ids are not [\(batch), \(length)]")
        self.batch = batch
        self.length = length
        self.tokenIDs = tokenIDs
        self.attentionMask = attentionMask ?? Array(repeating: 1, count: batch * length)
        self.tokenTypeIDs = tokenTypeIDs ?? Array(repeating: 0, count: batch * length)
    }

    /// Rows of equal length; the attention mask marks tokens equal to `paddingID` as padding
    /// (Chinese-CLIP's `text.ne(pad_index)`).
    public init(paddedRows rows: [[Int]], paddingID: Int) {
        let length = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == length }, "rows have different lengths")
        let ids = rows.flatMap { $0 }
        self.init(batch: rows.count, length: length, tokenIDs: ids, attentionMask: ids.map { $0 == paddingID ? 0 : 1 })
    }

    /// A tokenizer's batch.
    public init(_ batch: WordPieceBatch) {
        self.init(batch: batch.count, length: batch.length, tokenIDs: batch.inputIDs.map(Int.init),
                  attentionMask: batch.attentionMask.map(Int.init), tokenTypeIDs: batch.tokenTypeIDs.map(Int.init))
    }

    /// A text encoder's batch: the attention mask is 1 on each row's first `lengths[row]` tokens.
    public init(_ tokens: TokenizedTexts) {
        let length = tokens.length
        let mask = tokens.lengths.flatMap { count in Array(repeating: 1, count: count) + Array(repeating: 0, count: length - count) }
        self.init(batch: tokens.count, length: length, tokenIDs: tokens.ids.flatMap { $0 }, attentionMask: mask)
    }

    /// Real tokens of row `index` (the attention mask's sum).
    public func tokenCount(ofRow index: Int) -> Int {
        attentionMask[(index * length)..<((index + 1) * length)].reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    }
}
