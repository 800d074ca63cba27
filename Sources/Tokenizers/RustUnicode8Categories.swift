/// The general-category tests of the Rust crate `unicode_categories` 0.1, which Hugging Face
/// `tokenizers` uses in `BertNormalizer` and `BertPreTokenizer`. Its tables are from Unicode 8.0,
/// so characters assigned later are in no category (not control, not punctuation, not a mark),
/// and characters whose category changed since 8.0 keep their 8.0 category.
enum RustUnicode8Categories {
    /// Whether the character existed in Unicode 8.0.
    @inline(__always)
    static func isInUnicode8(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// `is_other`: Cc, Cf, Co or Cs in Unicode 8.0 (unassigned code points are not included).
    static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        guard isInUnicode8(scalar) else { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// `is_punctuation`: Pc, Pd, Ps, Pe, Pi, Pf or Po in Unicode 8.0.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        guard isInUnicode8(scalar) else { return false }
        if formerPunctuation.contains(scalar.value) { return true }
        return BERTTextRules.isPunctuationCategory(scalar)
    }

    /// `is_mark_nonspacing`: Mn in Unicode 8.0.
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        guard isInUnicode8(scalar) else { return false }
        if formerNonspacingMarks.contains(scalar.value) { return true }
        if laterNonspacingMarks.contains(scalar.value) { return false }
        return scalar.properties.generalCategory == .nonspacingMark
    }

    /// Po in Unicode 8.0, recategorised since: CANADIAN SYLLABICS CHI SIGN (now So),
    /// SHARADA SANDHI MARK (now Mn).
    private static let formerPunctuation: Set<UInt32> = [0x166D, 0x111C9]
    /// Mn in Unicode 8.0, now Mc: HANUNOO SIGN PAMUDPOD, AHOM VOWEL SIGN AW.
    private static let formerNonspacingMarks: Set<UInt32> = [0x1734, 0x1171E]
    /// Mn now, something else in Unicode 8.0: MONGOLIAN LETTER ALI GALI BALUDA and
    /// THREE BALUDA (were Lo), JAVANESE VOWEL SIGN DIRGA MURE (was Mc), SHARADA SANDHI MARK (was Po).
    private static let laterNonspacingMarks: Set<UInt32> = [0x1885, 0x1886, 0xA9BD, 0x111C9]
}
