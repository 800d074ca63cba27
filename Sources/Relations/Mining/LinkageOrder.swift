/// Puts implausible readings of a caption after plausible ones, keeping link grammar's cost
/// order otherwise. Captions are full of present participles, and the cheapest linkage sometimes
/// reads one as a noun: "a small dog *sitting* on a carpet" as a compound noun "dog sitting", "a
/// man is *sitting* on a bench" as "is [a] sitting". Each such reading counts one:
///
/// - an "-ing" word read as a noun (or gerund) with a noun compounded onto it (AN link);
/// - an "-ing" word that is a copula's object (O link): "is [a] lying";
/// - "left" read as the participle of "leave" ("a cube *left* of a sphere" is a direction).
enum LinkageOrder {
    /// Words captions use as directions rather than as the verbs they can also be.
    static let directionWords: Set<String> = ["left"]

    static func implausibility(_ linkage: LinkGrammarLinkage) -> Int {
        var count = linkage.words.filter { directionWords.contains($0.base) && ($0.subscriptTag?.hasPrefix("v") ?? false) }.count
        for (index, word) in linkage.words.enumerated() where word.base.hasSuffix("ing") {
            let tag = word.subscriptTag ?? ""
            if (tag.hasPrefix("n") || tag.hasPrefix("g")) && !linkage.leftNeighbours(of: index, type: "AN").isEmpty { count += 1 }
            if linkage.leftNeighbours(of: index, type: "O").contains(where: { RelationVocabulary.english.copulas.contains(linkage.words[$0].base) }) {
                count += 1
            }
        }
        return count
    }

    /// `linkages` stably sorted by implausibility.
    static func plausibleFirst(_ linkages: [LinkGrammarLinkage]) -> [LinkGrammarLinkage] {
        linkages.enumerated().map { (implausibility($0.element), $0.offset, $0.element) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
}
