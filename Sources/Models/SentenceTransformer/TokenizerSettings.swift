import Foundation
import Tokenizers

/// The fields of a Hugging Face `tokenizer_config.json` that shape a BERT WordPiece tokenizer
/// (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`, the special tokens). Special
/// tokens may be written as strings or as `{"content": …}` objects.
struct TokenizerSettings: Decodable {
    var lowercases: Bool?
    var stripsAccents: Bool?
    var tokenizesChineseCharacters: Bool?
    var modelMaximumLength: Double?
    var unknownToken: SpecialToken?
    var classToken: SpecialToken?
    var separatorToken: SpecialToken?
    var paddingToken: SpecialToken?
    var maskToken: SpecialToken?

    enum CodingKeys: String, CodingKey {
        case lowercases = "do_lower_case"
        case stripsAccents = "strip_accents"
        case tokenizesChineseCharacters = "tokenize_chinese_chars"
        case modelMaximumLength = "model_max_length"
        case unknownToken = "unk_token"
        case classToken = "cls_token"
        case separatorToken = "sep_token"
        case paddingToken = "pad_token"
        case maskToken = "mask_token"
    }

    /// A special token spelled as a string or as an `AddedToken` object.
    struct SpecialToken: Decodable {
        var content: String

        init(from decoder: Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                content = text
            } else {
                struct AddedToken: Decodable { var content: String }
                content = try AddedToken(from: decoder).content
            }
        }
    }

    /// Settings of the folder's `tokenizer_config.json`, or none when it has no such file.
    init(directory: URL) throws {
        let url = directory.appendingPathComponent("tokenizer_config.json")
        self = FileManager.default.fileExists(atPath: url.path) ? try decodeJSONFile(Self.self, at: url) : Self()
    }

    private init() {}

    /// A WordPiece configuration with the Rust `tokenizers` text rules (what sentence-transformers
    /// runs through `AutoTokenizer`), padded to the longest text of a batch.
    func wordPieceConfiguration(maximumLength: Int) -> WordPieceConfiguration {
        WordPieceConfiguration(
            textRules: .huggingFaceTokenizers, lowercases: lowercases ?? true, stripsAccents: stripsAccents,
            tokenizesChineseCharacters: tokenizesChineseCharacters ?? true, maximumLength: maximumLength,
            padding: .longest, unknownToken: unknownToken?.content ?? "[UNK]", classToken: classToken?.content ?? "[CLS]",
            separatorToken: separatorToken?.content ?? "[SEP]", paddingToken: paddingToken?.content ?? "[PAD]",
            maskToken: maskToken?.content ?? "[MASK]")
    }
}
