import Foundation

/// The captioner's word-level vocabulary (the S words of the seed paper's one-hot tᵢ, Eq. 1),
/// built from training captions: lower-cased runs of letters and digits (punctuation dropped),
/// the words seen at least `minimumCount` times in order of decreasing count (ties
/// alphabetically), after four special tokens `<pad>` = 0, `<start>` = 1, `<end>` = 2,
/// `<unk>` = 3. A caption is encoded as `<start> w₁ … wₙ <end>`. Saved as JSON
/// (`{"words": [...]}`, the special tokens included) with the run.
public struct CaptionerVocabulary: Codable, Sendable, Equatable {
    public static let padding = "<pad>", start = "<start>", end = "<end>", unknown = "<unk>"
    public static let paddingIndex = 0, startIndex = 1, endIndex = 2, unknownIndex = 3
    public static let fileName = "vocabulary.json"

    /// Every token by index, the special tokens first.
    public let words: [String]
    private let indices: [String: Int]

    /// The vocabulary of `captions`, keeping words seen at least `minimumCount` times.
    public init(captions: [String], minimumCount: Int = 1) {
        var counts: [String: Int] = [:]
        for caption in captions { for word in Self.words(of: caption) { counts[word, default: 0] += 1 } }
        let kept = counts.filter { $0.value >= minimumCount }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
        self.init(uncheckedWords: [Self.padding, Self.start, Self.end, Self.unknown] + kept)
    }

    private init(uncheckedWords words: [String]) {
        self.words = words
        indices = Dictionary(words.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var count: Int { words.count }

    /// Lower-cased runs of letters and digits of `text`.
    public static func words(of text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// The index of `word` (`<unk>` when unknown).
    public func index(of word: String) -> Int { indices[word] ?? Self.unknownIndex }

    /// `<start> w₁ … wₙ <end>` as indices; words beyond `maximumWords` are cut.
    public func encode(_ caption: String, maximumWords: Int? = nil) -> [Int] {
        var body = Self.words(of: caption).map(index(of:))
        if let maximumWords, body.count > maximumWords { body = Array(body.prefix(maximumWords)) }
        return [Self.startIndex] + body + [Self.endIndex]
    }

    /// The words of `indices` up to the first `<end>`, without `<start>` and `<pad>`.
    public func decode(_ indices: [Int]) -> [String] {
        var result: [String] = []
        for index in indices {
            if index == Self.endIndex { break }
            if index == Self.startIndex || index == Self.paddingIndex { continue }
            result.append(index >= 0 && index < words.count ? words[index] : Self.unknown)
        }
        return result
    }

    enum CodingKeys: String, CodingKey { case words }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([String].self, forKey: .words)
        guard words.count > 4, Array(words.prefix(4)) == [Self.padding, Self.start, Self.end, Self.unknown] else {
            throw DecodingError.dataCorruptedError(forKey: .words, in: container,
                                                   debugDescription: "a caption vocabulary starts with <pad>, <start>, <end>, <unk> and has words")
        }
        guard Set(words).count == words.count else {
            throw DecodingError.dataCorruptedError(forKey: .words, in: container, debugDescription: "a word is listed twice")
        }
        self.init(uncheckedWords: words)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(words, forKey: .words)
    }

    public static func == (lhs: CaptionerVocabulary, rhs: CaptionerVocabulary) -> Bool { lhs.words == rhs.words }
}
