/// How a `WordPieceTokenizer` normalizes, splits, truncates and pads text. JSON keys follow Hugging
/// Face's `tokenizer_config.json` where one exists.
public struct WordPieceConfiguration: Codable, Equatable, Sendable {
    /// Which implementation's basic-tokenizer rules to reproduce.
    public var textRules: BERTTextRules
    /// Lower-case the text.
    public var lowercases: Bool
    /// Strip accents (NFD, drop Mn); nil means "when lower-casing", as in BERT.
    public var stripsAccents: Bool?
    /// Put spaces around CJK ideographs.
    public var tokenizesChineseCharacters: Bool
    /// Longer words (in Unicode scalars) become the unknown token.
    public var maximumCharactersPerWord: Int
    /// Model input length, `[CLS]` and `[SEP]` included.
    public var maximumLength: Int
    /// How `encodeBatch` pads by default.
    public var padding: WordPiecePadding
    public var unknownToken: String
    public var classToken: String
    public var separatorToken: String
    public var paddingToken: String
    public var maskToken: String
    /// Prefix of word pieces that continue a word.
    public var continuingSubwordPrefix: String

    enum CodingKeys: String, CodingKey {
        case textRules = "text_rules"
        case lowercases = "do_lower_case"
        case stripsAccents = "strip_accents"
        case tokenizesChineseCharacters = "tokenize_chinese_chars"
        case maximumCharactersPerWord = "max_input_chars_per_word"
        case maximumLength = "max_length"
        case padding
        case unknownToken = "unk_token"
        case classToken = "cls_token"
        case separatorToken = "sep_token"
        case paddingToken = "pad_token"
        case maskToken = "mask_token"
        case continuingSubwordPrefix = "continuing_subword_prefix"
    }

    public init(
        textRules: BERTTextRules, lowercases: Bool, stripsAccents: Bool? = nil, tokenizesChineseCharacters: Bool = true,
        maximumCharactersPerWord: Int = 100, maximumLength: Int, padding: WordPiecePadding = .longest,
        unknownToken: String = "[UNK]", classToken: String = "[CLS]", separatorToken: String = "[SEP]",
        paddingToken: String = "[PAD]", maskToken: String = "[MASK]", continuingSubwordPrefix: String = "##"
    ) {
        self.textRules = textRules
        self.lowercases = lowercases
        self.stripsAccents = stripsAccents
        self.tokenizesChineseCharacters = tokenizesChineseCharacters
        self.maximumCharactersPerWord = maximumCharactersPerWord
        self.maximumLength = maximumLength
        self.padding = padding
        self.unknownToken = unknownToken
        self.classToken = classToken
        self.separatorToken = separatorToken
        self.paddingToken = paddingToken
        self.maskToken = maskToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
    }

    /// The special tokens, in the order `[PAD] [UNK] [CLS] [SEP] [MASK]`.
    public var specialTokens: [String] { [paddingToken, unknownToken, classToken, separatorToken, maskToken] }

    /// sentence-transformers `all-MiniLM-L6-v2` (uncased BERT vocabulary, `do_lower_case: true`
    /// in its `tokenizer_config.json`; `max_seq_length: 256` in `sentence_bert_config.json`),
    /// tokenized as sentence-transformers does it: with the Rust `tokenizers` rules, padded to the
    /// longest text of the batch.
    public static let allMiniLML6V2 = WordPieceConfiguration(
        textRules: .huggingFaceTokenizers, lowercases: true, maximumCharactersPerWord: 100,
        maximumLength: 256, padding: .longest)

    /// Chinese-CLIP (Yang et al. 2022), as `cn_clip.clip.tokenize` runs it: Google's BERT
    /// tokenizer with `do_lower_case=True`, words up to 200 characters, context length 52,
    /// padded with id 0 to the full length.
    public static let chineseCLIP = WordPieceConfiguration(
        textRules: .googleResearchBERT, lowercases: true, maximumCharactersPerWord: 200,
        maximumLength: 52, padding: .maximumLength)
}

/// How rows of a batch are padded.
public enum WordPiecePadding: String, Codable, Sendable {
    /// To the longest row of the batch (Hugging Face `padding=True`).
    case longest
    /// To the maximum length (Hugging Face `padding="max_length"`).
    case maximumLength = "max_length"
}
