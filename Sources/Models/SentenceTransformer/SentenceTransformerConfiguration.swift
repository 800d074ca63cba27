/// A sentence-transformers folder's `sentence_bert_config.json`: how its Transformer module cuts
/// and prepares text.
public struct SentenceTransformerConfiguration: Codable, Sendable, Equatable {
    /// Tokens per text, `[CLS]` and `[SEP]` included; longer texts are truncated.
    public var maximumSequenceLength: Int?
    /// Lower-case texts before tokenising (on top of what the tokenizer itself does).
    public var lowercasesInput: Bool

    enum CodingKeys: String, CodingKey {
        case maximumSequenceLength = "max_seq_length"
        case lowercasesInput = "do_lower_case"
    }

    public init(maximumSequenceLength: Int?, lowercasesInput: Bool = false) {
        self.maximumSequenceLength = maximumSequenceLength
        self.lowercasesInput = lowercasesInput
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(maximumSequenceLength: try container.decodeIfPresent(Int.self, forKey: .maximumSequenceLength),
                  lowercasesInput: try container.decodeIfPresent(Bool.self, forKey: .lowercasesInput) ?? false)
    }

    /// all-MiniLM-L6-v2: 256 tokens, no extra lower-casing.
    public static let allMiniLML6V2 = Self(maximumSequenceLength: 256)
}
