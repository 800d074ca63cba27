/// Which implementation's text rules the BERT basic tokenizer reproduces. BERT's basic tokenizer
/// (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers for Language
/// Understanding") cleans text, puts spaces around CJK ideographs, lower-cases and strips
/// accents, and splits on whitespace and punctuation; three widely used implementations differ
/// in small, id-changing details:
///
/// | rule | `googleResearchBERT` | `huggingFacePython` | `huggingFaceTokenizers` |
/// |---|---|---|---|
/// | characters removed (besides NUL, U+FFFD) | Cc, Cf | Cc, Cf, Co, Cn | Cc, Cf, Co |
/// | characters made spaces | space, tab, LF, CR, Zs | same | tab, LF, CR, White_Space |
/// | CJK ranges (3rd supplementary range starts) | U+2B820 | U+2B820 | U+2B920 |
/// | NFC before lower-casing | no | yes | no |
/// | special tokens (`[CLS]`…) in text | split like text | kept whole | kept whole |
/// | lower-casing | per word, Python `str.lower` (final sigma `ς`) | same | per character (`σ` only), after accent stripping |
///
/// Tab, line feed and carriage return are never removed. Accent stripping is always NFD and then
/// dropping Mn characters; punctuation is always ASCII non-alphanumerics plus category P.
///
/// General categories come from the Swift runtime's Unicode tables (Unicode 15.1 or later; the
/// Python references use their interpreter's, Unicode 14.0 for Python 3.11, so characters
/// assigned after 14.0 may be treated differently), except under
/// `huggingFaceTokenizers`: its Rust crate (`unicode_categories`) carries Unicode 8.0 tables, so
/// there only characters assigned by Unicode 8.0 count as control, punctuation or Mn (with the
/// few characters whose category changed since then listed in `RustUnicode8Categories`).
public enum BERTTextRules: String, Codable, Sendable, CaseIterable {
    /// Google Research's `tokenization.py` of the BERT release, which Chinese-CLIP (`cn_clip`)
    /// ships as `bert_tokenizer.py`.
    case googleResearchBERT
    /// Hugging Face `transformers`' Python `BasicTokenizer` (`BertTokenizer(use_fast=False)` up to
    /// v4, `BertTokenizerLegacy` in v5).
    case huggingFacePython
    /// Hugging Face `tokenizers`' `BertNormalizer` and `BertPreTokenizer` (Rust), which
    /// `transformers` v5 `BertTokenizer`, every "fast" BERT tokenizer and sentence-transformers use.
    case huggingFaceTokenizers

    /// Whether special-token spellings in the input are kept as single tokens.
    var keepsSpecialTokens: Bool { self != .googleResearchBERT }

    func isRemovedControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F: return true
        case 0x20..<0x7F: return false
        default: break
        }
        if self == .huggingFaceTokenizers { return RustUnicode8Categories.isOther(scalar) }
        switch scalar.properties.generalCategory {
        case .control, .format: return true
        case .privateUse, .surrogate: return self != .googleResearchBERT
        case .unassigned: return self == .huggingFacePython
        default: return false
        }
    }

    func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0x00..<0x80: return false   // other ASCII whitespace is a control character, removed before this test
        default:
            if self == .huggingFaceTokenizers { return scalar.properties.isWhitespace }
            return scalar.properties.generalCategory == .spaceSeparator
        }
    }

    /// The "Chinese character" test: CJK Unified Ideographs, Extensions A–E and the
    /// Compatibility Ideographs (and their supplement).
    func isCJKIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x3400 { return false }
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        case 0x2B820...0x2CEAF:
            return self != .huggingFaceTokenizers || value >= 0x2B920
        default:
            return false
        }
    }

    /// ASCII characters that are neither letters, digits, space nor controls, and every
    /// character of general category P.
    func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 33 && value <= 47) || (value >= 58 && value <= 64) || (value >= 91 && value <= 96) || (value >= 123 && value <= 126)
        }
        if self == .huggingFaceTokenizers { return RustUnicode8Categories.isPunctuation(scalar) }
        return Self.isPunctuationCategory(scalar)
    }

    /// Whether accent stripping drops this (decomposed) character: general category Mn.
    func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x300 { return false }
        if self == .huggingFaceTokenizers { return RustUnicode8Categories.isNonspacingMark(scalar) }
        return scalar.properties.generalCategory == .nonspacingMark
    }

    static func isPunctuationCategory(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
