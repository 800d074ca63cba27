/// One token of Python source as far as literal reading needs: names, string literals (with
/// their prefix, escapes already decoded), numbers and single punctuation characters. Newlines,
/// comments and whitespace are skipped.
enum PythonToken: Equatable {
    case name(String)
    /// A string literal: `prefix` lower-cased (`""`, `"f"`, `"r"`, `"rb"`, …) and the decoded text.
    case string(prefix: String, text: String)
    case number(String)
    case punctuation(Character)

    var isOpeningBracket: Bool { self == .punctuation("(") || self == .punctuation("[") }
}

/// A token and the 1-based line it starts on.
struct PythonLocatedToken: Equatable {
    let token: PythonToken
    let line: Int
}
