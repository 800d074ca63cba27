import Foundation

/// Errors raised while loading a vocabulary or turning text into token ids and back.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// A vocabulary or merges file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A gzip stream is damaged or truncated.
    case corruptGzip(reason: String)
    /// A vocabulary file is not valid UTF-8 text.
    case notUTF8(path: String)
    /// The BPE merges list has fewer merge lines than the tokenizer uses.
    case tooFewMerges(found: Int, required: Int)
    /// A merge line does not hold exactly two symbols.
    case malformedMerge(line: Int, text: String)
    /// A merge refers to a symbol that no earlier byte symbol or merge produced.
    case unknownMergeSymbol(line: Int, symbol: String)
    /// A special token the configuration needs is absent from the vocabulary.
    case missingSpecialToken(String)
    /// A token id outside `0..<vocabularySize`.
    case unknownTokenID(Int, vocabularySize: Int)
    /// A context or maximum length too small to hold the start and end tokens.
    case lengthTooSmall(Int, minimum: Int)
    /// A SentencePiece `.model` file that is not a well-formed `ModelProto`, or that a tokenizer
    /// cannot use (no unknown piece, a missing byte piece under byte fallback, …).
    case malformedModel(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .corruptGzip(reason):
            return "gzip data is damaged: \(reason)"
        case let .notUTF8(path):
            return "\(path) is not valid UTF-8 text"
        case let .tooFewMerges(found, required):
            return "the BPE merges list has \(found) merge lines, but \(required) are needed"
        case let .malformedMerge(line, text):
            return "merge line \(line) should hold two symbols separated by a space, found \(text.debugDescription)"
        case let .unknownMergeSymbol(line, symbol):
            return "merge line \(line) uses the symbol \(symbol.debugDescription), which no byte or earlier merge produces"
        case let .missingSpecialToken(token):
            return "the vocabulary has no entry for the special token \(token)"
        case let .unknownTokenID(id, size):
            return "token id \(id) is outside the vocabulary (valid ids are 0..<\(size))"
        case let .lengthTooSmall(length, minimum):
            return "a length of \(length) cannot hold the start and end tokens; use at least \(minimum)"
        case let .malformedModel(path, reason):
            return "\(path) is not a usable SentencePiece model: \(reason)"
        }
    }
}
