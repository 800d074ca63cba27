import Foundation
import Relations
import TestSupport
import Testing
import Tokenizers

/// The link-grammar miner on hand-checked captions, on the VSR-form caption set against its gold
/// fields, on COCO-style captions against spaCy's reference rules (fixture group `relations`).
@Suite struct RelationMiningTests {
    static let miner: RelationMiner = try! RelationMiner.installed()

    func triple(_ caption: String) -> [String]? {
        Self.miner.triple(in: caption).map { [$0.subject.text, $0.relation.text, $0.object.text] }
    }

    @Test func spatialCaptionsGiveSubjectRelationObject() {
        #expect(triple("The cat is on the left of the dog.") == ["cat", "on the left of", "dog"])
        #expect(triple("The umbrella is above the dog.") == ["umbrella", "above", "dog"])
        #expect(triple("The cat is on the table.") == ["cat", "on", "table"])
        #expect(triple("The teddy bear is in front of the dining table.") == ["teddy bear", "in front of", "dining table"])
        #expect(triple("The cell phone is next to the laptop.") == ["cell phone", "next to", "laptop"])
        #expect(triple("The cat is to the left of the dog.") == ["cat", "to the left of", "dog"])
        #expect(triple("The cat is left of the dog.") == ["cat", "left of", "dog"])
        #expect(triple("The dog is at the edge of the bed.") == ["dog", "at the edge of", "bed"])
        #expect(triple("The car is parallel to the bus.") == ["car", "parallel to", "bus"])
        #expect(triple("The dog is far away from the cat.") == ["dog", "far away from", "cat"])
        #expect(triple("The cat is part of the bed.") == ["cat", "part of", "bed"])
        #expect(triple("The red cube is to the front left of the blue sphere.") == ["cube", "to the front left of", "sphere"])
    }

    @Test func actionAndNounPhraseCaptions() {
        #expect(triple("A man riding a horse") == ["man", "riding", "horse"])
        #expect(triple("A dog chasing a cat.") == ["dog", "chasing", "cat"])
        #expect(triple("The bed contains the cat.") == ["bed", "contains", "cat"])
        #expect(triple("The cat is touching the dog.") == ["cat", "touching", "dog"])
        #expect(triple("The cup is enclosed by the cake.") == ["cup", "enclosed by", "cake"])
        #expect(triple("A man riding a wave on top of a surfboard.") == ["man", "riding", "wave"])
        #expect(triple("A laptop next to a frisbee.") == ["laptop", "next to", "frisbee"])
        #expect(triple("A group of people standing around a table.") == ["people", "standing around", "table"])
        #expect(triple("A car parked on the sidewalk.") == ["car", "parked on", "sidewalk"])
        #expect(triple("A surfer rides a wave.") == ["surfer", "rides", "wave"])
    }

    @Test func spansPointAtTheCaptionsCharacters() throws {
        let caption = "  Le café is next to the naïve dog."
        let mined = try #require(Self.miner.triple(in: caption))
        let scalars = Array(caption.unicodeScalars)
        for phrase in mined.phrases {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[phrase.characters])
            #expect(String(text) == phrase.text)
        }
        #expect(mined.relation.characters == 13..<20)
        #expect(Self.miner.triple(in: "") == nil)
        #expect(Self.miner.triple(in: "Sunset.") == nil)
    }

    @Test func spansSelectTheEncodersTokens() throws {
        let tokenizer = try CLIPTokenizer(mergesFile: TestPaths.installedPackageFile("clip/bpe_simple_vocab_16e6.txt.gz"))
        let caption = "The teddy bear is in front of the dining table."
        let mined = try #require(Self.miner.triple(in: caption))
        let row = try tokenizer.tokenizeWithSpans(caption)
        let ranges = try #require(mined.tokenRanges(in: row.spans))
        // <start> the teddy bear is in front of the dining table . <end>
        #expect(ranges == [2..<4, 5..<8, 9..<11])
    }

    /// Captions in the Visual Spatial Reasoning benchmark's form with their gold fields: exact
    /// subject–relation–object match (the issue's goal is ≥ 95%; measured 187/189, spaCy's rules
    /// 179/189).
    @Test func matchesGoldFieldsOfSpatialCaptions() throws {
        struct Gold: Decodable { var caption: String; var subj: String; var relation: String; var obj: String }
        let gold = try JSONLinesFixture.read(Gold.self, TestPaths.fixture("relations", "spatial_captions.jsonl"))
        let mined = Self.miner.triples(in: gold.map(\.caption))
        let matches = zip(gold, mined).filter { gold, mined in
            mined.map { [$0.subject.text, $0.relation.text, $0.object.text] } == [gold.subj, gold.relation, gold.obj]
        }.count
        for (gold, mined) in zip(gold, mined)
        where mined.map({ [$0.subject.text, $0.relation.text, $0.object.text] }) != [gold.subj, gold.relation, gold.obj] {
            print("  \(gold.caption) → \(mined.map { [$0.subject.text, $0.relation.text, $0.object.text] } ?? [])")
        }
        let rate = Double(matches) / Double(gold.count)
        print("spatial captions: exact triple \(matches)/\(gold.count) = \(rate)")
        #expect(gold.count == 189)
        #expect(rate >= 0.95)
    }

    /// COCO-style captions: a triple for ≥ 88% (the issue's goal; measured 158/159), and the same
    /// triple as spaCy's rules for ≥ 85% (measured 141/159; spaCy finds none for 8 of the rest).
    @Test func findsTriplesInCOCOStyleCaptions() throws {
        struct Reference: Decodable { var caption: String; var subject: String?; var relation: String?; var object: String? }
        let reference = try JSONLinesFixture.read(Reference.self, TestPaths.fixture("relations", "spacy_coco_style.jsonl"))
        let mined = Self.miner.triples(in: reference.map(\.caption))
        let found = mined.compactMap { $0 }.count
        let agreeing = zip(reference, mined).filter { reference, mined in
            let ours = mined.map { [$0.subject.text, $0.relation.text, $0.object.text].map { $0.lowercased() } }
            let theirs = reference.subject.map { [$0, reference.relation!, reference.object!].map { $0.lowercased() } }
            return ours == theirs
        }.count
        print("COCO-style captions: triple for \(found)/\(reference.count); identical to spaCy's \(agreeing)/\(reference.count)")
        #expect(Double(found) / Double(reference.count) >= 0.88)
        #expect(Double(agreeing) / Double(reference.count) >= 0.85)
    }

    @Test func concurrentMiningEqualsSerial() throws {
        let captions = try String(contentsOf: TestPaths.fixture("relations", "coco_style_captions.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(Self.miner.triples(in: captions) == captions.map { Self.miner.triple(in: $0) })
    }

    @Test func minedLinesHaveTheCommandsFields() throws {
        let caption = "The cat is on the left of the dog."
        let line = try MinedCaption(caption: caption, triple: Self.miner.triple(in: caption)).jsonLine()
        #expect(line == #"{"caption":"The cat is on the left of the dog.","object":"dog","object_span":[30,33],"relation":"on the left of","relation_span":[11,25],"subject":"cat","subject_span":[4,7]}"#)
        let empty = try MinedCaption(caption: "Sunset.", triple: nil).jsonLine()
        #expect(empty == #"{"caption":"Sunset.","object":null,"object_span":null,"relation":null,"relation_span":null,"subject":null,"subject_span":null}"#)
    }
}

/// Reads a JSON-lines fixture.
enum JSONLinesFixture {
    static func read<Line: Decodable>(_ type: Line.Type, _ url: URL) throws -> [Line] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }
}
