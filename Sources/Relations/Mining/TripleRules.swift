/// The rules that read a subject–relation–object triple off one link-grammar linkage, in the
/// spirit of SA-CLIP's dependency rules (Li et al. 2025, §2.1 and App. A: start from the root's
/// part of speech and its children, then follow verbal and prepositional phrases), written for
/// link grammar's link types (Sleator & Temperley 1993; the English dictionary's link names):
///
/// - subject: the left end of an S link (subject → finite verb); in an existential sentence
///   ("there is a man riding a horse", how noun-phrase captions are parsed) the noun after
///   "is" (SI or O link); a collective noun ("a group of people") hands over to its "of" noun;
/// - relation after a copula (not part of the relation): its predicate by P link — a
///   preposition (Pp: "on", the idiom "in front of"), an adjective with its preposition (Pa:
///   "parallel to", "far away from"), a participle (Pg "touching", Pv "enclosed by");
/// - relation after another verb: the verb with its particle (K), and the preposition of a
///   modifier (MV) when it has no object (O);
/// - relation of an existential subject: its post-modifier (M link): a participle (Mg "riding",
///   Mv "parked on"), a preposition (Mp "next to") or an adjective (Ma);
/// - prepositional chains: a preposition's object (J) that is a relational noun ("left", "side",
///   "middle", "top", "part") continues the relation through its "of"/"to" (M, OF link):
///   "to the left of", "at the edge of", "on the right side of";
/// - object: the verb's object (O) or the last preposition's object (J).
///
/// A subject or object is its head noun with the nouns compounded onto it (AN: "teddy bear",
/// "tennis racket") and the other words of its idiom ("hot dog"); adjectives stay out.
struct TripleRules {
    let linkage: LinkGrammarLinkage
    let vocabulary: RelationVocabulary

    /// The words of a predicate: the relation's words (the copula excluded) and the object's head.
    struct Predicate {
        var relation: [Int]
        var object: Int
    }

    /// A triple as word indices of the linkage.
    struct WordTriple {
        var subject: [Int]
        var relation: [Int]
        var object: [Int]
    }

    /// Every candidate triple of the linkage, most central first (the main clause, then
    /// existential subjects).
    func triples() -> [WordTriple] {
        var result: [WordTriple] = []
        for (subject, verb) in subjectClauses() {
            for noun in resolvedSubjects(subject) {
                if let predicate = isCopula(verb) ? copularPredicate(verb) : verbalPredicate(verb) {
                    result.append(triple(subject: noun, predicate: predicate))
                } else if let predicate = postModifier(of: noun) {
                    result.append(triple(subject: noun, predicate: predicate))
                }
            }
        }
        for (subject, copula) in existentialSubjects() {
            for noun in resolvedSubjects(subject) {
                if let predicate = postModifier(of: noun) ?? prepositionalModifier(of: copula) {
                    result.append(triple(subject: noun, predicate: predicate))
                }
            }
        }
        return result.filter(isPlausible)
    }

    // MARK: Words

    func base(_ word: Int) -> String { linkage.words[word].base }

    func isWall(_ word: Int) -> Bool { word == 0 || word == linkage.words.count - 1 || linkage.words[word].characters.isEmpty }

    func isCopula(_ word: Int) -> Bool { vocabulary.copulas.contains(base(word)) }

    /// A noun, a plural, a mass noun, a name or a guessed noun; not a filler ("there", "it").
    func isNounLike(_ word: Int) -> Bool {
        guard !isWall(word), !vocabulary.nonEntities.contains(base(word)), let tag = linkage.words[word].subscriptTag,
              let first = tag.first else { return false }
        return "nspfmblouc".contains(first) && !tag.hasPrefix("v")
    }

    func isRelationalNoun(_ word: Int) -> Bool { vocabulary.relationalNouns.contains(base(word)) }

    // MARK: Subjects

    /// (subject, finite verb) pairs of S links, the main clause's (linked from the left wall)
    /// first.
    func subjectClauses() -> [(subject: Int, verb: Int)] {
        let mainVerbs = Set(linkage.rightNeighbours(of: 0, type: "WV"))
        let clauses = linkage.links.filter { link in
            link.type.hasPrefix("S") && !["SI", "SF", "SFI", "SJ"].contains(link.type) && isNounLike(link.left)
        }.map { (subject: $0.left, verb: $0.right) }
        return clauses.filter { mainVerbs.contains($0.verb) } + clauses.filter { !mainVerbs.contains($0.verb) }
    }

    /// (noun, copula) pairs of existential sentences: "there is a man …" (SI), "there is a
    /// laptop …" (O from the copula).
    func existentialSubjects() -> [(subject: Int, copula: Int)] {
        linkage.links.filter { link in
            (link.type == "SI" || link.type == "O") && isCopula(link.left) && isNounLike(link.right)
                && !isRelationalNoun(link.right)
        }.map { (subject: $0.right, copula: $0.left) }
    }

    /// The subject itself, or for a collective noun with an "of" phrase ("a group of people")
    /// the grouped noun first and then the collective one.
    func resolvedSubjects(_ noun: Int) -> [Int] {
        guard vocabulary.collectiveNouns.contains(base(noun)), let grouped = ofObject(of: noun) else { return [noun] }
        return [grouped, noun]
    }

    /// The object of a noun's "of" phrase (M or OF link to "of", then J), if any.
    func ofObject(of noun: Int) -> Int? {
        for (link, other) in linkage.links(of: noun) where link.left == noun && (link.type == "M" || link.type == "OF")
            && base(other) == "of" {
            if let object = linkage.rightNeighbours(of: other, type: "J").first, isNounLike(object) { return object }
        }
        return nil
    }

    // MARK: Predicates

    /// What follows a copula: a P link's preposition, adjective or participle; an O link's
    /// relational noun ("is part of"); an MV link's preposition.
    func copularPredicate(_ copula: Int) -> Predicate? {
        for (link, other) in linkage.links(of: copula) where link.left == copula && link.type == "P" {
            switch link.subtype {
            case "g", "v": if let predicate = verbalPredicate(other) { return predicate }
            default: if let predicate = prepositionChain(from: idiomStart(other), anchors: [copula]) { return predicate }
            }
        }
        for object in linkage.rightNeighbours(of: copula, type: "O") where isRelationalNoun(object) {
            if let predicate = prepositionChain(from: object, anchors: [copula]) { return predicate }
        }
        return prepositionalModifier(of: copula)
    }

    /// A verb with its particle (K) and adverbs (MVa: "skateboarding *down* a ramp") and its
    /// object, or the preposition of its modifier phrase. `anchors` (the noun a participle
    /// modifies) may carry that preposition.
    func verbalPredicate(_ verb: Int, anchors: [Int] = []) -> Predicate? {
        var relation = linkage.idiom(containing: verb)
        relation += linkage.rightNeighbours(of: verb, type: "K")
        relation += linkage.links.filter { $0.left == verb && $0.type == "MV" && $0.subtype == "a" }.map(\.right)
        if let target = linkage.rightNeighbours(of: verb, type: "O").first, let object = conjunct(target), isNounLike(object),
           !isRelationalNoun(object) {
            return Predicate(relation: relation.filter { $0 < object }, object: resolvedSubjects(object)[0])
        }
        guard let preposition = nextPreposition(after: verb, from: relation + anchors) else { return nil }
        guard var predicate = prepositionChain(from: idiomStart(preposition), anchors: relation + anchors) else { return nil }
        predicate.relation = relation + predicate.relation
        return predicate
    }

    /// The first conjunct of a coordination ("a stove *and* a refrigerator" → stove), or the word.
    func conjunct(_ word: Int) -> Int? {
        guard linkage.words[word].subscriptTag?.hasPrefix("j") ?? false else { return word }
        return linkage.links.filter { $0.right == word && ["SJ", "MJ", "AJ"].contains($0.type) && $0.subtype == "l" }.map(\.left).min()
    }

    /// The post-modifier of a noun (M link): participle, preposition or adjective; an "of"
    /// phrase is a complement, not a relation ("a bowl *of* fruit"), but a modifier of its noun
    /// counts ("a bowl of fruit *on* a counter": the bowl is on the counter).
    func postModifier(of noun: Int) -> Predicate? {
        for (link, other) in linkage.links(of: noun).sorted(by: { $0.other < $1.other }) where link.left == noun && link.type == "M" {
            switch link.subtype {
            case "g", "v": if let predicate = verbalPredicate(other, anchors: [noun]) { return predicate }
            case "p", "a":
                guard base(other) != "of" || linkage.idiom(containing: other).count > 1 else { continue }
                if let predicate = prepositionChain(from: idiomStart(other), anchors: [noun]) { return predicate }
            default: continue
            }
        }
        if let complement = ofObject(of: noun), complement != noun {
            return postModifier(of: complement)
        }
        return nil
    }

    /// A prepositional modifier (MV link) of a verb, as the relation.
    func prepositionalModifier(of verb: Int) -> Predicate? {
        guard let preposition = nextPreposition(after: verb, from: [verb]) else { return nil }
        return prepositionChain(from: idiomStart(preposition), anchors: [verb])
    }

    /// The first word of the idiom `word` belongs to ("in" of "in front of").
    func idiomStart(_ word: Int) -> Int { linkage.idiom(containing: word).first ?? word }

    /// The nearest word right of `position` that a word of `sources` links to by MV, K, Y or E
    /// and that has an object (J): where a relation continues ("far away *from*").
    func nextPreposition(after position: Int, from sources: [Int]) -> Int? {
        var candidates: [Int] = []
        for source in sources {
            for (link, other) in linkage.links(of: source) where link.left == source && other > position
                && (["MV", "K", "Y", "E", "ID", "OF"].contains(link.type) || (link.type == "M" && [Character("p"), "f"].contains(link.subtype))) {
                for member in linkage.idiom(containing: other) where !linkage.rightNeighbours(of: member, type: "J").isEmpty {
                    candidates.append(member)
                }
            }
        }
        return candidates.min()
    }

    /// Follows a prepositional phrase from its first word: through relational nouns and their
    /// "of"/"to" to the object noun. `anchors` (the verb or copula) may link the next preposition.
    func prepositionChain(from start: Int, anchors: [Int]) -> Predicate? {
        // A degree word bound to the first word by a Y link belongs to it ("*far* away from").
        var relation: [Int] = linkage.leftNeighbours(of: start, type: "Y")
        var current = start
        for _ in 0..<6 {
            let group = linkage.idiom(containing: current)
            relation += group.filter { !relation.contains($0) }
            if let target = group.lazy.flatMap({ linkage.rightNeighbours(of: $0, type: "J") }).first, let noun = conjunct(target) {
                // A prepositional idiom starting at the object's place ("to the *left of*") continues the relation.
                let idiom = linkage.idiom(containing: noun)
                if idiom.count > 1, idiom.first == noun, idiom.dropFirst().contains(where: { !linkage.rightNeighbours(of: $0, type: "J").isEmpty }) {
                    current = noun
                    continue
                }
                if isRelationalNoun(noun), let next = continuation(of: noun) {
                    relation.append(noun)
                    current = next
                    continue
                }
                guard isNounLike(noun) else { return nil }
                return Predicate(relation: relation, object: resolvedSubjects(noun)[0])
            }
            if isRelationalNoun(current), let next = continuation(of: current) {
                current = next
                continue
            }
            guard let next = nextPreposition(after: group.max() ?? current, from: relation + anchors) else { return nil }
            current = next
        }
        return nil
    }

    /// The "of"/"to" preposition continuing a relational noun ("left *of*", "side *of*", "part *of*").
    func continuation(of noun: Int) -> Int? {
        linkage.links(of: noun).filter { link, other in
            link.left == noun && (link.type == "M" || link.type == "OF" || link.type == "MV")
                && !linkage.rightNeighbours(of: other, type: "J").isEmpty && ["of", "to", "from"].contains(base(other))
        }.map(\.other).min()
    }

    // MARK: Phrases

    /// A noun with the nouns compounded onto it (AN, recursively) and its idiom's words.
    func nounPhrase(_ head: Int) -> [Int] {
        var members = Set(linkage.idiom(containing: head)), frontier = Array(members)
        while let current = frontier.popLast() {
            for modifier in linkage.leftNeighbours(of: current, type: "AN") where members.insert(modifier).inserted {
                frontier.append(modifier)
            }
        }
        return members.sorted()
    }

    func triple(subject: Int, predicate: Predicate) -> WordTriple {
        let object = nounPhrase(predicate.object)
        var subject = subject, relation = predicate.relation
        // link grammar sometimes reads "people standing around" as the noun "standing" with the
        // compound "people": the participle belongs to the relation, the compound is the subject.
        if base(subject).hasSuffix("ing"), linkage.words[subject].subscriptTag?.hasPrefix("n") ?? false,
           let compound = linkage.leftNeighbours(of: subject, type: "AN").max() {
            relation.append(subject)
            subject = compound
        }
        relation = Array(Set(relation.filter { !isCopula($0) && $0 < (object.first ?? Int.max) })).sorted()
        return WordTriple(subject: nounPhrase(subject), relation: relation, object: object)
    }

    /// Both ends are nouns, distinct and not relational; the relation is not empty and lies
    /// between or after them without taking in either.
    func isPlausible(_ triple: WordTriple) -> Bool {
        guard let subjectHead = triple.subject.last, let objectHead = triple.object.last, !triple.relation.isEmpty,
              subjectHead != objectHead, isNounLike(subjectHead), isNounLike(objectHead), !isRelationalNoun(objectHead),
              !isRelationalNoun(subjectHead) else { return false }
        let relationRange = triple.relation.first!...triple.relation.last!
        return !triple.subject.contains(where: relationRange.contains) && !triple.object.contains(where: relationRange.contains)
            && triple.relation.last! < triple.object.first!
    }
}
