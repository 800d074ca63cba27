import Tokenizers

/// Texts as a text encoder's tokenizer turns them into ids: one row per text, all rows padded to
/// the batch's longest, with each row's count of real tokens (special tokens included) and, when
/// asked for, where every token and word came from in the text (`TokenSpans`: character ranges in
/// Unicode scalars, the counting of Python, spaCy and link-grammar), so a phrase found in the text
/// (a subject, a relation) can be mapped to the token states that encode it.
public struct TokenizedTexts: Sendable, Equatable {
    /// `[count][length]` token ids.
    public let ids: [[Int]]
    /// Real tokens per row; positions from `lengths[row]` on are padding.
    public let lengths: [Int]
    /// Per text, each row position's source characters and each word's characters and tokens;
    /// nil unless the tokenisation was asked for spans.
    public let spans: [TokenSpans]?

    public init(ids: [[Int]], lengths: [Int], spans: [TokenSpans]? = nil) {
        let length = ids.first?.count ?? 0
        precondition(ids.allSatisfy { $0.count == length }, "every row of a token batch must have \(length) ids")
        precondition(lengths.count == ids.count && lengths.allSatisfy { $0 >= 0 && $0 <= length },
                     "one length in 0...\(length) per row")
        precondition(spans.map { $0.count == ids.count } ?? true, "one span set per row")
        self.ids = ids
        self.lengths = lengths
        self.spans = spans
    }

    /// Number of texts.
    public var count: Int { ids.count }
    /// Tokens per row, padding included.
    public var length: Int { ids.first?.count ?? 0 }
}
