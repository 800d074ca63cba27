/// The text cleaning open_clip's `SimpleTokenizer` applies by default (`clean="lower"`):
///
///     basic_clean:      ftfy.fix_text → html.unescape → html.unescape → strip
///     whitespace_clean: " ".join(text.split())
///     lower-casing:     str.lower()
///
/// ftfy is reproduced as `TextRepair` describes (everything except mojibake repair), and the
/// Python string rules as `PythonStringRules` describes. With sources tracked, every cleaned
/// scalar knows the scalars of the input it came from (see `AlignedText`).
enum CLIPTextCleaning {
    static func clean(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        clean(AlignedText<SourcesIgnored>(text)).scalars
    }

    static func clean<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        var cleaned = TextRepair.fixText(text)
        cleaned = HTMLCharacterReferences.unescape(HTMLCharacterReferences.unescape(cleaned))
        cleaned = PythonStringRules.collapsingWhitespace(cleaned)
        return PythonStringRules.lowercased(cleaned)
    }
}
