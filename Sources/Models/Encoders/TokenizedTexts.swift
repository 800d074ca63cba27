/// Texts as a text encoder's tokenizer turns them into ids: one row per text, all rows padded to
/// the batch's longest, with each row's count of real tokens (special tokens included).
public struct TokenizedTexts: Sendable, Equatable {
    /// `[count][length]` token ids.
    public let ids: [[Int]]
    /// Real tokens per row; positions from `lengths[row]` on are padding.
    public let lengths: [Int]

    public init(ids: [[Int]], lengths: [Int]) {
        let length = ids.first?.count ?? 0
        precondition(ids.allSatisfy { $0.count == length }, "every row of a token batch must have \(length) ids")
        precondition(lengths.count == ids.count && lengths.allSatisfy { $0 >= 0 && $0 <= length },
                     "one length in 0...\(length) per row")
        self.ids = ids
        self.lengths = lengths
    }

    /// Number of texts.
    public var count: Int { ids.count }
    /// Tokens per row, padding included.
    public var length: Int { ids.first?.count ?? 0 }
}
