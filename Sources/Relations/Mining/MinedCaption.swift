import Foundation

/// One line of `clipkit relations mine`: a caption, its triple (or nulls) with character spans
/// and, when a text encoder was given, each phrase's token positions in the encoder's row.
///
///     {"caption": "The cat is on the left of the dog.", "subject": "cat", "relation": "on the left of",
///      "object": "dog", "subject_span": [4, 7], "relation_span": [11, 25], "object_span": [30, 33],
///      "subject_tokens": [2, 3], …}
public struct MinedCaption: Encodable, Sendable, Equatable {
    public var caption: String
    public var triple: RelationTriple?
    /// Token positions `[start, end)` of subject, relation and object in the encoder's row.
    public var tokenRanges: [Range<Int>]?

    public init(caption: String, triple: RelationTriple?, tokenRanges: [Range<Int>]? = nil) {
        self.caption = caption
        self.triple = triple
        self.tokenRanges = tokenRanges
    }

    enum CodingKeys: String, CodingKey {
        case caption, subject, relation, object, subjectSpan = "subject_span", relationSpan = "relation_span", objectSpan = "object_span"
        case subjectTokens = "subject_tokens", relationTokens = "relation_tokens", objectTokens = "object_tokens"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caption, forKey: .caption)
        let phrases = triple?.phrases
        for (index, (text, span)) in [(CodingKeys.subject, CodingKeys.subjectSpan), (.relation, .relationSpan), (.object, .objectSpan)].enumerated() {
            if let phrase = phrases?[index] {
                try container.encode(phrase.text, forKey: text)
                try container.encode([phrase.characters.lowerBound, phrase.characters.upperBound], forKey: span)
            } else {
                try container.encodeNil(forKey: text)
                try container.encodeNil(forKey: span)
            }
        }
        guard let tokenRanges else { return }
        for (key, range) in zip([CodingKeys.subjectTokens, .relationTokens, .objectTokens], tokenRanges) {
            try container.encode([range.lowerBound, range.upperBound], forKey: key)
        }
    }

    /// The line as compact JSON with sorted keys.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
