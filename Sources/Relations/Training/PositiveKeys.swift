import Training

/// Which examples are inter-sample positives of each other (SA-CLIP §2.3.3: "positive pairs are
/// image samples retrieved based on the textual similarity of their SVO triplets"): here exact
/// agreement after normalisation, as integer keys. With `.triple`, the subject's and object's
/// head nouns (last words, lower case) and the relation up to `RelationVocabulary.synonyms`
/// must agree ("cube | to the left of | sphere" ≡ "cube | left of | sphere"); with `.relation`
/// only the relation. Similarity of triple texts under a sentence encoder is not used: such
/// encoders barely tell "left of" from "right of", which is the problem SA-CLIP addresses.
public enum PositiveKeys {
    /// The key text of one triple.
    public static func key(_ triple: RelationTriple, positives: RelationTaskConfiguration.Positives,
                           vocabulary: RelationVocabulary = .english) -> String {
        let relation = vocabulary.canonicalRelation(triple.relation.text)
        guard positives == .triple else { return relation }
        func head(_ phrase: CaptionPhrase) -> String { phrase.text.lowercased().split(separator: " ").last.map(String.init) ?? "" }
        return "\(head(triple.subject))|\(relation)|\(head(triple.object))"
    }

    /// The triple an example is keyed by when keyed by what its scene shows: for a generated scene
    /// whose caption states another spatial configuration than its own (`group`), a front-right
    /// scene captioned "in front of" (`single_axis_captions`), the caption's triple with the
    /// scene's configuration as relation ("to the front right of"; only the text, which keys read,
    /// not the span); any other example's own triple.
    public static func sceneTriple(of example: RelationExample) -> RelationTriple {
        guard let group = example.group, let shown = SpatialConfiguration(rawValue: group),
              let stated = SpatialConfiguration(phrase: example.triple.relation.text), stated != shown else { return example.triple }
        var triple = example.triple
        triple.relation.text = shown.phrases[0]
        return triple
    }

    /// The triples that key L_u's and L_v's positives under `singleAxisPositives`: the captions'
    /// (`caption`, `texts_only`) or the scenes' (`scene`) for both, or the captions' for texts and the
    /// scenes' for images (`scene_for_images`). `images` is nil when it would equal `texts`.
    public static func triples(_ examples: [RelationExample], singleAxisPositives: RelationTaskConfiguration.SingleAxisPositives)
        -> (texts: [RelationTriple], images: [RelationTriple]?) {
        switch singleAxisPositives {
        case .caption, .textsOnly: return (examples.map(\.triple), nil)
        case .scene: return (examples.map(sceneTriple(of:)), nil)
        case .sceneForImages: return (examples.map(\.triple), examples.map(sceneTriple(of:)))
        }
    }

    /// Whether each example enters L_v under `singleAxisPositives`: under `texts_only` all but the
    /// scenes whose caption states less than their configuration; nil (every example) otherwise.
    public static func entersImageLoss(_ examples: [RelationExample], singleAxisPositives: RelationTaskConfiguration.SingleAxisPositives)
        -> [Bool]? {
        guard singleAxisPositives == .textsOnly else { return nil }
        return examples.map { sceneTriple(of: $0) == $0.triple }
    }

    /// One integer per triple; equal keys get equal integers (numbered in order of appearance).
    public static func keys(_ triples: [RelationTriple], positives: RelationTaskConfiguration.Positives,
                            vocabulary: RelationVocabulary = .english) -> [Int] {
        keys(triples, positives: [RelationTaskConfiguration.Positives](repeating: positives, count: triples.count), vocabulary: vocabulary)
    }

    /// The same with each triple's own rule (`positives[i]` for `triples[i]`): a triple key never
    /// equals a relation key, so examples under different rules are never positives.
    public static func keys(_ triples: [RelationTriple], positives: [RelationTaskConfiguration.Positives],
                            vocabulary: RelationVocabulary = .english) -> [Int] {
        precondition(triples.count == positives.count, "one rule per triple")
        var numbers: [String: Int] = [:]
        return zip(triples, positives).map { triple, positives in
            let text = key(triple, positives: positives, vocabulary: vocabulary)
            if let number = numbers[text] { return number }
            numbers[text] = numbers.count
            return numbers.count - 1
        }
    }
}
