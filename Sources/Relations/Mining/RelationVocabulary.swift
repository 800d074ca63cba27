/// The word lists the triple-extraction rules read (rules as data, lower case).
public struct RelationVocabulary: Sendable, Equatable {
    /// Forms of "be": the copula is not part of a relation ("is on" → "on").
    public var copulas: Set<String>
    /// Nouns that only locate another noun and so continue a relation through their "of"/"to"
    /// phrase: "on the *left* of", "at the *edge* of", "in the *middle* of", "*part* of".
    public var relationalNouns: Set<String>
    /// Nouns that count or group another ("a *group* of people"): the grouped noun is the subject.
    public var collectiveNouns: Set<String>
    /// Words that are never a subject or object (pronoun-like fillers and measure words).
    public var nonEntities: Set<String>
    /// Relation phrases that say the same thing; the first of each list names them all
    /// (`canonicalRelation`), so "to the left of" and "on the left side of" are one relation.
    public var synonyms: [[String]]

    public init(copulas: Set<String>, relationalNouns: Set<String>, collectiveNouns: Set<String>, nonEntities: Set<String>,
                synonyms: [[String]] = []) {
        self.copulas = copulas
        self.relationalNouns = relationalNouns
        self.collectiveNouns = collectiveNouns
        self.nonEntities = nonEntities
        self.synonyms = synonyms
    }

    /// The first synonym of `relation` (lower-cased, single spaces), or the phrase itself.
    public func canonicalRelation(_ relation: String) -> String {
        let phrase = relation.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return synonyms.first { $0.contains(phrase) }?.first ?? phrase
    }

    /// The lists for English captions.
    public static let english = RelationVocabulary(
        copulas: ["is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re"],
        relationalNouns: ["left", "right", "side", "top", "front", "back", "middle", "edge", "center", "centre", "bottom",
                          "rear", "part", "end", "corner", "inside", "outside", "underside", "surface", "base", "foot",
                          "head", "tip", "opposite", "far", "near", "vicinity", "rest"],
        collectiveNouns: ["group", "couple", "pair", "bunch", "herd", "flock", "pile", "stack", "number", "lot", "lots", "row",
                          "line", "team", "crowd", "set", "variety", "collection", "assortment", "few", "couple", "cluster",
                          "fleet", "pack", "bundle", "kind", "type", "view", "close-up", "closeup", "picture", "photo", "image",
                          "photograph", "shot", "display"],
        nonEntities: ["there", "it", "this", "that", "these", "those", "what", "which", "who", "something", "one", "ones",
                      "each", "other", "another", "thing", "things", "way", "lot", "front", "side", "left", "right", "top"],
        synonyms: [
            ["left of", "to the left of", "on the left of", "on the left side of", "at the left side of"],
            ["right of", "to the right of", "on the right of", "on the right side of", "at the right side of"],
            ["in front of", "on the near side of", "ahead of", "before"],
            ["behind", "on the far side of", "in back of", "at the back of"],
            ["to the front left of", "at the front left of"], ["to the front right of", "at the front right of"],
            ["to the back left of", "at the back left of"], ["to the back right of", "at the back right of"],
            ["above", "over"], ["below", "under", "beneath", "underneath"], ["on", "on top of", "onto"],
            ["next to", "beside", "by", "alongside", "at the side of", "adjacent to"], ["near", "close to"],
            ["far from", "far away from", "away from"], ["inside", "in", "within", "inside of"],
        ])
}
