/// The text cleaning open_clip's `SimpleTokenizer` applies by default (`clean="lower"`):
///
///     basic_clean:      ftfy.fix_text → html.unescape → html.unescape → strip
///     whitespace_clean: " ".join(text.split())
///     lower-casing:     str.lower()
///
/// ftfy is reproduced as `TextRepair` describes (everything except mojibake repair), and the
/// Python string rules as `PythonStringRules` describes.
enum CLIPTextCleaning {
    static func clean(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var scalars = TextRepair.fixText(text)
        scalars = HTMLCharacterReferences.unescape(HTMLCharacterReferences.unescape(scalars))
        scalars = PythonStringRules.collapsingWhitespace(scalars)
        return PythonStringRules.lowercased(scalars)
    }
}
