import Relations
import Testing

/// Opposite-relation negatives (SA-CLIP §2.3.3) written at the mined spans.
@Suite struct NegativeCaptionTests {
    func negative(_ caption: String) throws -> NegativeCaption? {
        let triple = try #require(RelationMiningTests.miner.triple(in: caption))
        return try NegativeCaption(of: caption, triple: triple)
    }

    @Test func spatialRelationsAreFlipped() throws {
        #expect(try negative("The cat is to the left of the dog.")?.caption == "The cat is to the right of the dog.")
        #expect(try negative("The cat is on the left of the dog.")?.caption == "The cat is on the right of the dog.")
        #expect(try negative("The umbrella is above the dog.")?.caption == "The umbrella is below the dog.")
        #expect(try negative("The cat is on the table.")?.caption == "The cat is under the table.")
        #expect(try negative("The cat is under the table.")?.caption == "The cat is on the table.")
        #expect(try negative("The truck is in front of the car.")?.caption == "The truck is behind the car.")
        #expect(try negative("The truck is behind the car.")?.caption == "The truck is in front of the car.")
        #expect(try negative("The dog is inside the car.")?.caption == "The dog is outside the car.")
        #expect(try negative("The dog is near the car.")?.caption == "The dog is far from the car.")
        #expect(try negative("The dog is walking toward the car.")?.caption == "The dog is walking away from the car.")
        #expect(try negative("The red cube is to the front left of the blue sphere.")?.caption
                == "The red cube is to the back right of the blue sphere.")
    }

    @Test func asymmetricActionsSwapSubjectAndObject() throws {
        let flipped = try #require(try negative("A dog chasing a cat."))
        #expect(flipped.caption == "A cat chasing a dog.")
        #expect(flipped.triple.subject == CaptionPhrase(text: "cat", characters: 2..<5))
        #expect(flipped.triple.relation == CaptionPhrase(text: "chasing", characters: 6..<13))
        #expect(flipped.triple.object == CaptionPhrase(text: "dog", characters: 16..<19))
        let longer = try #require(try negative("A teddy bear holding a cup."))
        #expect(longer.caption == "A cup holding a teddy bear.")
        #expect(longer.triple.relation == CaptionPhrase(text: "holding", characters: 6..<13))
        #expect(longer.triple.object == CaptionPhrase(text: "teddy bear", characters: 16..<26))
        #expect(try negative("The cat is touching the dog.") == nil)
    }

    @Test func flippedTriplesPointAtTheNewCaption() throws {
        let flipped = try #require(try negative("The cat is on the left of the dog."))
        #expect(flipped.triple.relation == CaptionPhrase(text: "on the right of", characters: 11..<26))
        #expect(flipped.triple.object == CaptionPhrase(text: "dog", characters: 31..<34))
        #expect(flipped.triple.subject == CaptionPhrase(text: "cat", characters: 4..<7))
    }

    @Test func rulesWorkBothWaysAndKeepCapitals() {
        let rules = OppositeRelations.english
        #expect(rules.opposite(of: "Above") == .relation("Below"))
        #expect(rules.opposite(of: "far from") == .relation("near"))
        #expect(rules.opposite(of: "riding") == .swappedRoles)
        #expect(rules.opposite(of: "next to") == .relation("far away from"))
        #expect(rules.opposite(of: "touching") == nil)
    }

    @Test func spansOutsideTheCaptionAreRejected() {
        let triple = RelationTriple(subject: CaptionPhrase(text: "cat", characters: 4..<7),
                                    relation: CaptionPhrase(text: "on", characters: 11..<13),
                                    object: CaptionPhrase(text: "dog", characters: 40..<43))
        #expect(throws: RelationError.self) { try NegativeCaption(of: "The cat is on the dog.", triple: triple) }
    }
}
