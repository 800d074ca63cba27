/// How to state the opposite of a relation while keeping its subject and object, the negatives
/// of SA-CLIP's intra-sample triplet loss (Li et al. 2025, §2.3.3, where an LLM writes "an
/// opposing description that retains the same subject and object but conveys an inverse
/// relationship"); here rules as data:
///
/// 1. whole relation phrases with a fixed opposite, both ways ("in front of" ↔ "behind",
///    "above" ↔ "below", "on" ↔ "under", "inside" ↔ "outside", "near" ↔ "far from",
///    "toward" ↔ "away from");
/// 2. otherwise word swaps inside the phrase ("to the *left* of" → "to the *right* of",
///    "to the *front* left of" → "to the *back* right of");
/// 3. otherwise an action, asymmetric unless listed as symmetric: the opposite swaps subject and
///    object ("a dog chasing a cat" → "a cat chasing a dog").
///
/// Matching ignores case; a replacement copies the capitalisation of the phrase's first letter.
public struct OppositeRelations: Sendable, Equatable {
    /// Relation phrases and their opposites; each pair works both ways.
    public var phrasePairs: [(String, String)]
    /// Words swapped inside a relation phrase; each pair works both ways.
    public var wordPairs: [(String, String)]
    /// Actions whose subject and object can trade places without changing the meaning
    /// ("touching", "next to"): no negative is made for them.
    public var symmetricRelations: Set<String>

    public init(phrasePairs: [(String, String)], wordPairs: [(String, String)], symmetricRelations: Set<String>) {
        self.phrasePairs = phrasePairs
        self.wordPairs = wordPairs
        self.symmetricRelations = symmetricRelations
    }

    public static func == (lhs: OppositeRelations, rhs: OppositeRelations) -> Bool {
        lhs.phrasePairs.elementsEqual(rhs.phrasePairs, by: ==) && lhs.wordPairs.elementsEqual(rhs.wordPairs, by: ==)
            && lhs.symmetricRelations == rhs.symmetricRelations
    }

    /// The English rules.
    public static let english = OppositeRelations(
        phrasePairs: [
            ("in front of", "behind"), ("ahead of", "behind"), ("before", "behind"), ("above", "below"), ("on", "under"), ("over", "under"),
            ("on top of", "beneath"), ("onto", "off"), ("underneath", "on top of"), ("inside", "outside"),
            ("inside of", "outside of"), ("in", "out of"), ("into", "out of"), ("within", "outside"), ("near", "far from"),
            ("close to", "far from"), ("next to", "far away from"), ("beside", "far from"), ("toward", "away from"),
            ("towards", "away from"), ("facing", "facing away from"), ("up", "down"), ("at the top of", "at the bottom of"),
            ("on the near side of", "on the far side of"), ("attached to", "detached from"), ("connected to", "detached from"),
        ],
        wordPairs: [("left", "right"), ("front", "back"), ("top", "bottom"), ("above", "below"), ("near", "far"),
                    ("nearer", "farther"), ("inside", "outside"), ("up", "down"), ("upper", "lower"), ("ahead", "behind"),
                    ("toward", "away from"), ("towards", "away from")],
        symmetricRelations: ["touching", "next to", "beside", "near", "close to", "far from", "far away from", "meeting",
                             "hugging", "kissing", "playing with", "talking to", "talking with", "shaking hands with",
                             "adjacent to", "parallel to", "perpendicular to", "alongside", "by", "with", "and"])

    /// What the opposite of `relation` does.
    public enum Opposite: Sendable, Equatable {
        /// The relation phrase is replaced by this one.
        case relation(String)
        /// Subject and object trade places; the relation stays.
        case swappedRoles
    }

    /// The opposite of `relation`, or nil for a symmetric action.
    public func opposite(of relation: String) -> Opposite? {
        let phrase = relation.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for (first, second) in phrasePairs {
            if phrase == first { return .relation(Self.matchingCase(second, of: relation)) }
            if phrase == second { return .relation(Self.matchingCase(first, of: relation)) }
        }
        // One left-to-right scan, longest match first, so "left" → "right" is not swapped back.
        let words = phrase.split(separator: " ").map(String.init)
        let alternatives = wordPairs.flatMap { [($0.0.split(separator: " ").map(String.init), $0.1), ($0.1.split(separator: " ").map(String.init), $0.0)] }
            .sorted { $0.0.count > $1.0.count }
        var swapped: [String] = [], position = 0, changed = false
        while position < words.count {
            if let (match, replacement) = alternatives.first(where: { Array(words[position...].prefix($0.0.count)) == $0.0 }) {
                swapped.append(replacement)
                position += match.count
                changed = true
            } else {
                swapped.append(words[position])
                position += 1
            }
        }
        if changed { return .relation(Self.matchingCase(swapped.joined(separator: " "), of: relation)) }
        if symmetricRelations.contains(phrase) { return nil }
        return .swappedRoles
    }

    /// `text` with its first letter upper-cased when `model`'s is.
    static func matchingCase(_ text: String, of model: String) -> String {
        guard let first = model.first, first.isUppercase, let head = text.first else { return text }
        return head.uppercased() + text.dropFirst()
    }
}
