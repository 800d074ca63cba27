/// A caption rewritten to state the opposite relation at its mined spans, with the triple of
/// the rewritten caption: SA-CLIP's negative u′ of the triplet loss (Li et al. 2025, Eq. 10,
/// §2.3.3). "The cat is to the left of the dog." → "The cat is to the right of the dog.";
/// "A dog chasing a cat." → "A cat chasing a dog.".
public struct NegativeCaption: Sendable, Equatable {
    public var caption: String
    public var triple: RelationTriple

    public init(caption: String, triple: RelationTriple) {
        self.caption = caption
        self.triple = triple
    }

    /// The negative of `caption` with its `triple` under `rules`, or nil when the relation is
    /// symmetric (no opposite exists).
    public init?(of caption: String, triple: RelationTriple, rules: OppositeRelations = .english) throws {
        guard let opposite = rules.opposite(of: triple.relation.text) else { return nil }
        var scalars = Array(caption.unicodeScalars)
        for phrase in triple.phrases where phrase.characters.upperBound > scalars.count || phrase.characters.lowerBound < 0 {
            throw RelationError.invalidSpan(caption: caption, span: phrase.characters)
        }
        switch opposite {
        case let .relation(replacement):
            let span = triple.relation.characters
            scalars.replaceSubrange(span, with: replacement.unicodeScalars)
            let shift = replacement.unicodeScalars.count - span.count
            func moved(_ phrase: CaptionPhrase) -> CaptionPhrase {
                phrase.characters.lowerBound >= span.upperBound
                    ? CaptionPhrase(text: phrase.text, characters: (phrase.characters.lowerBound + shift)..<(phrase.characters.upperBound + shift))
                    : phrase
            }
            let relation = CaptionPhrase(text: replacement, characters: span.lowerBound..<(span.lowerBound + replacement.unicodeScalars.count))
            self.init(caption: Self.text(scalars), triple: RelationTriple(subject: moved(triple.subject), relation: relation,
                                                                          object: moved(triple.object)))
        case .swappedRoles:
            let (first, second) = triple.subject.characters.lowerBound < triple.object.characters.lowerBound
                ? (triple.subject, triple.object) : (triple.object, triple.subject)
            guard first.characters.upperBound <= second.characters.lowerBound else {
                throw RelationError.invalidSpan(caption: caption, span: second.characters)
            }
            let firstText = Array(second.text.unicodeScalars), secondText = Array(first.text.unicodeScalars)
            scalars.replaceSubrange(second.characters, with: secondText)
            scalars.replaceSubrange(first.characters, with: firstText)
            let shift = firstText.count - first.characters.count
            let newFirst = CaptionPhrase(text: second.text, characters: first.characters.lowerBound..<(first.characters.lowerBound + firstText.count))
            let secondStart = second.characters.lowerBound + shift
            let newSecond = CaptionPhrase(text: first.text, characters: secondStart..<(secondStart + secondText.count))
            let secondShift = shift + secondText.count - second.characters.count
            var relation = triple.relation
            let relationShift = relation.characters.lowerBound >= second.characters.upperBound ? secondShift
                : relation.characters.lowerBound >= first.characters.upperBound ? shift : 0
            relation.characters = (relation.characters.lowerBound + relationShift)..<(relation.characters.upperBound + relationShift)
            // The phrase now first in the caption is the new subject when the subject came first.
            let subjectFirst = triple.subject.characters.lowerBound < triple.object.characters.lowerBound
            self.init(caption: Self.text(scalars),
                      triple: RelationTriple(subject: subjectFirst ? newFirst : newSecond, relation: relation,
                                             object: subjectFirst ? newSecond : newFirst))
        }
    }

    static func text(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
