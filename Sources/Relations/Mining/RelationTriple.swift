import Tokenizers

/// A subject–relation–object triple of a caption, the unit SA-CLIP learns from (Li, Shao,
/// Rajapaksha & Crespi 2025, "SA-CLIP: Language Guided Image Spatial and Action Feature
/// Learning", §2.1): "The cat is on the left of the dog." → (cat, on the left of, dog), each
/// phrase with its characters in the caption. The relation is a verb (with its particle or
/// preposition: "sitting on", "enclosed by") or a prepositional phrase ("in front of",
/// "to the left of"), without the copula.
public struct RelationTriple: Codable, Sendable, Hashable {
    public var subject: CaptionPhrase
    public var relation: CaptionPhrase
    public var object: CaptionPhrase

    public init(subject: CaptionPhrase, relation: CaptionPhrase, object: CaptionPhrase) {
        self.subject = subject
        self.relation = relation
        self.object = object
    }

    /// The three phrases in subject, relation, object order.
    public var phrases: [CaptionPhrase] { [subject, relation, object] }

    /// "cat|on the left of|dog" in lower case: the key under which two captions state the same
    /// triple (inter-sample positives, §2.3.3).
    public var key: String {
        [subject.text, relation.text, object.text].map { $0.lowercased() }.joined(separator: "|")
    }

    /// Each phrase's token positions in one tokenised row, or nil when some phrase has no token
    /// (cut off by truncation).
    public func tokenRanges(in spans: TokenSpans) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        for phrase in phrases {
            guard let range = spans.tokenRange(coveringCharacters: phrase.characters) else { return nil }
            ranges.append(range)
        }
        return ranges
    }
}
