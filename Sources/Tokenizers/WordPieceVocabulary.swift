import Foundation

/// A WordPiece vocabulary (`vocab.txt`): one token per line, the line number is the id.
///
/// Lines end at LF, CR LF or CR (Python's universal newlines) and each token is stripped of
/// surrounding whitespace as Google's BERT loader does (Chinese-CLIP's vocabulary has a line
/// holding only U+2028, which becomes the empty token). A token listed twice keeps its last id.
public struct WordPieceVocabulary: Sendable {
    /// Token of each id.
    public let tokens: [String]
    private let idOfToken: [String: Int]
    /// Largest token length in Unicode scalars; no longer substring can match.
    let longestTokenLength: Int

    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw TokenizerError.notUTF8(path: url.path) }
        self.init(text: text)
    }

    /// A vocabulary from the text of a `vocab.txt` file.
    public init(text: String) {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCarriageReturn {
                previousWasCarriageReturn = false
                continue
            }
            previousWasCarriageReturn = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        self.init(tokens: lines.map { String(String.UnicodeScalarView(PythonStringRules.stripped(Array($0.unicodeScalars)))) })
    }

    /// A vocabulary from tokens in id order.
    public init(tokens: [String]) {
        self.tokens = tokens
        var idOfToken: [String: Int] = [:]
        idOfToken.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() { idOfToken[token] = id }
        self.idOfToken = idOfToken
        longestTokenLength = tokens.map { $0.unicodeScalars.count }.max() ?? 0
    }

    /// Number of ids.
    public var count: Int { tokens.count }

    /// The id of a token, if the vocabulary has it.
    public func id(of token: String) -> Int? { idOfToken[token] }
}
