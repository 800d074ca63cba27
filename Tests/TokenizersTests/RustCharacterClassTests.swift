import Foundation
import TestSupport
import Testing
@testable import Tokenizers

/// The character classes of `BERTTextRules.huggingFaceTokenizers` against Hugging Face
/// `tokenizers` 0.23 measured one code point at a time over the whole code space
/// (`rust_bert_character_classes.json`, written by `scripts/fixtures/tokenizers.py`).
@Suite struct RustCharacterClassTests {
    struct Classes: Decodable {
        let removed: [[UInt32]]
        let whitespace: [[UInt32]]
        let punctuation: [[UInt32]]
        let stripped: [[UInt32]]
    }

    static let classes: Classes = {
        let data = try! Data(contentsOf: TestPaths.fixture("tokenizers", "rust_bert_character_classes.json"))
        return try! JSONDecoder().decode(Classes.self, from: data)
    }()

    private func members(_ ranges: [[UInt32]]) -> Set<UInt32> {
        var set = Set<UInt32>()
        for range in ranges { for value in range[0]...range[1] { set.insert(value) } }
        return set
    }

    private func differences(_ ranges: [[UInt32]], _ predicate: (Unicode.Scalar) -> Bool) -> [String] {
        let expected = members(ranges)
        var differences: [String] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if predicate(scalar) != expected.contains(value) {
                let age = scalar.properties.age.map { "\($0.major).\($0.minor)" } ?? "unassigned"
                differences.append(String(format: "U+%04X", value) + " (\(scalar.properties.generalCategory), age \(age)): reference says \(expected.contains(value))")
            }
        }
        return differences
    }

    @Test func removedCharacters() {
        let rules = BERTTextRules.huggingFaceTokenizers
        let found = differences(Self.classes.removed) { $0.value == 0 || $0.value == 0xFFFD || rules.isRemovedControl($0) }
        #expect(found.isEmpty, "\(found.count) differ:\n\(found.prefix(30).joined(separator: "\n"))")
    }

    @Test func whitespaceCharacters() {
        let rules = BERTTextRules.huggingFaceTokenizers
        let found = differences(Self.classes.whitespace) { $0 != " " && !rules.isRemovedControl($0) && rules.isWhitespace($0) }
        #expect(found.isEmpty, "\(found.count) differ:\n\(found.prefix(30).joined(separator: "\n"))")
    }

    @Test func punctuationCharacters() {
        let rules = BERTTextRules.huggingFaceTokenizers
        let found = differences(Self.classes.punctuation) { rules.isPunctuation($0) }
        #expect(found.isEmpty, "\(found.count) differ:\n\(found.prefix(30).joined(separator: "\n"))")
    }

    @Test func accentStrippedCharacters() {
        let tokenizer = BERTBasicTokenizer(rules: .huggingFaceTokenizers, lowercases: false, stripsAccents: true, tokenizesChineseCharacters: false)
        let found = differences(Self.classes.stripped) { tokenizer.strippingAccents([$0][...]).isEmpty }
        #expect(found.isEmpty, "\(found.count) differ:\n\(found.prefix(30).joined(separator: "\n"))")
    }
}
