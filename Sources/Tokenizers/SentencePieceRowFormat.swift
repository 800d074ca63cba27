/// How a model lays out a SentencePiece tokenization as a row of ids: a start token, the text's
/// tokens, an end token, then padding; and how the tokenizer's ids become the model's.
///
/// - `sentencePiece`: the model file's own ids, `<s> … </s>` (the Universal Sentence Encoder).
/// - `fairseq`: XLM-RoBERTa's dictionary (Conneau et al. 2020), built by fairseq around the
///   SentencePiece vocabulary: `<s>` 0, `<pad>` 1, `</s>` 2, `<unk>` 3, and every other piece at
///   its SentencePiece id + 1 (SentencePiece's own `<unk>`, `<s>`, `</s>` at 0–2 are not reachable
///   from text except `<unk>`, which maps to 3). What Hugging Face's `XLMRobertaTokenizer` does.
public struct SentencePieceRowFormat: Sendable, Equatable {
    public var startID: Int
    public var endID: Int
    public var paddingID: Int
    /// Added to every text token's id except the unknown piece's.
    public var idOffset: Int
    /// The model's id for the unknown piece; nil keeps the tokenizer's.
    public var unknownID: Int?
    /// The one token (a tokenizer id) a text without tokens gets, or nil for none: the package of
    /// the Universal Sentence Encoder gives such a text `<unk>` between `<s>` and `</s>`.
    public var emptyTextID: Int?

    public init(startID: Int, endID: Int, paddingID: Int, idOffset: Int = 0, unknownID: Int? = nil, emptyTextID: Int? = nil) {
        self.startID = startID
        self.endID = endID
        self.paddingID = paddingID
        self.idOffset = idOffset
        self.unknownID = unknownID
        self.emptyTextID = emptyTextID
    }

    /// The model file's `<s>` and `</s>` (0 when absent) with padding `paddingID`.
    public static func sentencePiece(_ tokenizer: SentencePieceTokenizer, paddingID: Int = 0) -> Self {
        Self(startID: tokenizer.startID ?? 0, endID: tokenizer.endID ?? 0, paddingID: paddingID)
    }

    /// fairseq's dictionary over a SentencePiece vocabulary (XLM-RoBERTa).
    public static let fairseq = Self(startID: 0, endID: 2, paddingID: 1, idOffset: 1, unknownID: 3)
}

/// Texts as rows of a model's ids (`SentencePieceTokenizer.batch`): padded to the longest row.
public struct SentencePieceBatch: Sendable, Equatable {
    /// `[count][length]` ids.
    public let ids: [[Int]]
    /// Real tokens per row (start and end included).
    public let lengths: [Int]
    /// Per row, each position's source characters and the words; nil unless asked for.
    public let spans: [TokenSpans]?
}

extension SentencePieceTokenizer {
    /// `[start] + ids + [end]` per text under `format`, the text's ids cut to `maximumLength − 2`,
    /// rows padded to the longest with `format.paddingID`; with spans when `includingSpans`.
    public func batch(_ texts: [String], format: SentencePieceRowFormat, maximumLength: Int, includingSpans: Bool = false) throws
        -> SentencePieceBatch {
        guard maximumLength >= 2 else { throw TokenizerError.lengthTooSmall(maximumLength, minimum: 2) }
        let encoded: [TrackedTokens] = texts.map { text in
            var tokens: TrackedTokens
            if includingSpans {
                tokens = tracked(text)
            } else {
                tokens = TrackedTokens(tracksSources: false, capacity: 0)
                tokens.ids = encodeTokens(text).map { Int32($0.id) }
            }
            if tokens.ids.isEmpty, let empty = format.emptyTextID {
                tokens.ids = [Int32(empty)]
                if includingSpans {
                    tokens.recordTokenSource(0..<0)
                    tokens.recordWord(from: 0)
                }
            }
            return tokens
        }
        let kept = encoded.map { min($0.ids.count, maximumLength - 2) }
        let length = (kept.max() ?? 0) + 2
        let ids = zip(encoded, kept).map { tokens, count -> [Int] in
            let text = tokens.ids.prefix(count).map { id -> Int in
                Int(id) == unknownID ? (format.unknownID ?? unknownID) : Int(id) + format.idOffset
            }
            return [format.startID] + text + [format.endID] + Array(repeating: format.paddingID, count: length - count - 2)
        }
        let spans = includingSpans ? zip(encoded, kept).map { $0.spans(rowLength: length, keptCount: $1) } : nil
        return SentencePieceBatch(ids: ids, lengths: kept.map { $0 + 2 }, spans: spans)
    }
}
