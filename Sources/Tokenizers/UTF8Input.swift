import Foundation

/// Text that arrives as bytes. Tokenizers accept any bytes: each maximal ill-formed UTF-8
/// subsequence (Unicode §3.9, "U+FFFD substitution of maximal subparts") becomes one U+FFFD
/// REPLACEMENT CHARACTER, the same text Python's `bytes.decode("utf-8", errors="replace")`
/// produces. Use `hasInvalidUTF8(_:)` first to reject such input instead.
public enum UTF8Input {
    /// The text of `data`, with U+FFFD for every ill-formed subsequence.
    public static func decodeReplacingInvalidBytes(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self)
    }

    /// Whether `data` holds an ill-formed UTF-8 subsequence.
    public static func hasInvalidUTF8(_ data: Data) -> Bool {
        String(validating: data, as: UTF8.self) == nil
    }
}
