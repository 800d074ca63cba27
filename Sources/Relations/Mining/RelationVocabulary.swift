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

    public init(copulas: Set<String>, relationalNouns: Set<String>, collectiveNouns: Set<String>, nonEntities: Set<String>) {
        self.copulas = copulas
        self.relationalNouns = relationalNouns
        self.collectiveNouns = collectiveNouns
        self.nonEntities = nonEntities
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
                      "each", "other", "another", "thing", "things", "way", "lot", "front", "side", "left", "right", "top"])
}
