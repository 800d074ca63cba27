import Foundation
import Tensor

/// Mines subject–relation–object triples from captions with link grammar and `TripleRules`
/// (SA-CLIP's dataset curation, Li et al. 2025 §2.1, with a link parser in place of spaCy so no
/// Python runs): "The cat is on the left of the dog." → (cat, on the left of, dog).
///
/// Each caption is tried as written, then as the complement of "There is …" or "There are …"
/// (how a noun-phrase caption such as "a man riding a horse" becomes a sentence), first with
/// every word linked, then allowing up to two unlinked words; within an attempt the linkages are
/// read best first, those `LinkageOrder` finds implausible last, and the first plausible triple
/// wins. Phrases keep the
/// caption's own words and their Unicode-scalar spans.
public struct RelationMiner: Sendable {
    public let parser: LinkGrammarParser
    public let vocabulary: RelationVocabulary
    /// Captions longer than this many words are not parsed (link grammar's time grows fast).
    public var maximumWords = 40

    public init(parser: LinkGrammarParser, vocabulary: RelationVocabulary = .english) {
        self.parser = parser
        self.vocabulary = vocabulary
    }

    /// The miner over the installed English dictionary extended with `CaptionVocabulary`.
    public static func installed() throws -> RelationMiner {
        RelationMiner(parser: LinkGrammarParser(dictionary: try LinkGrammarDictionary()))
    }

    /// The existential frame that turns a noun phrase into a sentence.
    static let existentialPrefix = "There is "
    static let pluralExistentialPrefix = "There are "

    /// The triple of `caption`, or nil when no attempt yields a plausible one.
    public func triple(in caption: String) -> RelationTriple? {
        let trimmed = caption.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.split(whereSeparator: \.isWhitespace).count <= maximumWords else { return nil }
        let leading = caption.unicodeScalars.prefix { CharacterSet.whitespacesAndNewlines.contains($0) }.count
        var lowered = trimmed
        if let first = trimmed.first, let second = trimmed.dropFirst().first, !second.isUppercase {
            lowered = first.lowercased() + trimmed.dropFirst()
        }
        let singular = (Self.existentialPrefix + lowered, Self.existentialPrefix.unicodeScalars.count)
        let plural = (Self.pluralExistentialPrefix + lowered, Self.pluralExistentialPrefix.unicodeScalars.count)
        let attempts: [(text: String, offset: Int, nulls: Int)] = [
            (trimmed, 0, 0), (singular.0, singular.1, 0), (plural.0, plural.1, 0), (trimmed, 0, 2), (singular.0, singular.1, 2),
        ]
        for attempt in attempts {
            for linkage in LinkageOrder.plausibleFirst(parser.parse(attempt.text, maximumNullCount: attempt.nulls)) {
                for candidate in TripleRules(linkage: linkage, vocabulary: vocabulary).triples() {
                    if let triple = phrases(candidate, of: linkage, in: caption, shift: leading - attempt.offset) {
                        return triple
                    }
                }
            }
        }
        return nil
    }

    /// The triples of many captions, in order, parsed on `ThreadPolicy.threadCount` threads
    /// (interleaved, so long and short captions spread evenly).
    public func triples(in captions: [String]) -> [RelationTriple?] {
        ThreadPolicy.map(count: captions.count, interleaved: true) { triple(in: captions[$0]) }
    }

    /// The triple's words as caption phrases: each phrase runs from its first word's first
    /// character to its last word's last, moved by `shift` from the parsed text to the caption.
    func phrases(_ triple: TripleRules.WordTriple, of linkage: LinkGrammarLinkage, in caption: String, shift: Int) -> RelationTriple? {
        func phrase(_ words: [Int]) -> CaptionPhrase? {
            guard let first = words.first, let last = words.last else { return nil }
            let range = (linkage.words[first].characters.lowerBound + shift)..<(linkage.words[last].characters.upperBound + shift)
            guard range.lowerBound >= 0 else { return nil }
            return try? CaptionPhrase(in: caption, characters: range)
        }
        guard let subject = phrase(triple.subject), let relation = phrase(triple.relation), let object = phrase(triple.object) else {
            return nil
        }
        return RelationTriple(subject: subject, relation: relation, object: object)
    }
}
