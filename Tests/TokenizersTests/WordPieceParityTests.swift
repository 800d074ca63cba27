import Foundation
import Testing
import Tokenizers

/// WordPiece against the reference tokenizers on the fixture corpus: all-MiniLM-L6-v2 with
/// transformers v5 `BertTokenizer` (Rust tokenizers) and with the Python `BertTokenizerLegacy`,
/// and Chinese-CLIP with cn_clip's tokenizer. Every string must give identical ids.
@Suite struct WordPieceParityTests {
    private func mismatches(_ tokenizer: WordPieceTokenizer, expected: (CorpusEntry) -> [Int]) -> [String] {
        var mismatches: [String] = []
        for entry in TokenizerFixtures.corpus {
            let ids = tokenizer.encode(entry.text)
            if ids != expected(entry) {
                mismatches.append("[\(entry.category)] \(describe(entry.text)): expected \(expected(entry).prefix(12)), got \(ids.prefix(12))")
            }
        }
        return mismatches
    }

    @Test func miniLMMatchesTransformersBertTokenizer() throws {
        let found = mismatches(try InstalledTokenizers.miniLM.get()) { $0.minilm }
        print("MiniLM (tokenizers rules) parity: \(TokenizerFixtures.corpus.count - found.count)/\(TokenizerFixtures.corpus.count)")
        #expect(found.isEmpty, "\(found.count) strings differ:\n\(found.prefix(20).joined(separator: "\n"))")
    }

    @Test func miniLMMatchesTransformersPythonTokenizer() throws {
        let found = mismatches(try InstalledTokenizers.miniLMPythonRules.get()) { $0.minilmPython ?? $0.minilm }
        let differing = TokenizerFixtures.corpus.filter { $0.minilmPython != nil }
        print("MiniLM (Python rules) parity: \(TokenizerFixtures.corpus.count - found.count)/\(TokenizerFixtures.corpus.count); the two references differ on \(differing.count) strings")
        #expect(found.isEmpty, "\(found.count) strings differ:\n\(found.prefix(20).joined(separator: "\n"))")
        // The references differ only where the table of BERTTextRules says they do.
        #expect(Set(differing.map(\.category)).isSubset(of: ["greek", "control", "fuzz"]))
    }

    @Test func chineseCLIPMatchesCNCLIP() throws {
        let found = mismatches(try InstalledTokenizers.chineseCLIP.get()) { $0.cn }
        print("Chinese-CLIP parity: \(TokenizerFixtures.corpus.count - found.count)/\(TokenizerFixtures.corpus.count)")
        #expect(found.isEmpty, "\(found.count) strings differ:\n\(found.prefix(20).joined(separator: "\n"))")
    }

    @Test func modelInputsFollowReferenceTruncation() throws {
        let miniLM = try InstalledTokenizers.miniLM.get()
        let chinese = try InstalledTokenizers.chineseCLIP.get()
        var longer = 0
        for entry in TokenizerFixtures.corpus {
            let encoding = try miniLM.encodeForModel(entry.text)
            #expect(encoding.inputIDs == [101] + entry.minilm.prefix(254) + [102])
            #expect(encoding.attentionMask == Array(repeating: 1, count: encoding.inputIDs.count))
            #expect(encoding.tokenTypeIDs == Array(repeating: 0, count: encoding.inputIDs.count))
            let row = try chinese.encodeBatch([entry.text]).row(0).map(Int.init)
            #expect(row == Array(([101] + entry.cn.prefix(50) + [102] + Array(repeating: 0, count: 52)).prefix(52)))
            if entry.minilm.count > 254 { longer += 1 }
        }
        #expect(longer >= 10, "the corpus should hold texts longer than 256 tokens")
    }

    @Test func referenceBatchesAreReproduced() throws {
        let reference = TokenizerFixtures.batches
        let miniLM = try InstalledTokenizers.miniLM.get().encodeBatch(reference.texts)
        for row in 0..<reference.texts.count {
            let columns = (row * miniLM.length)..<((row + 1) * miniLM.length)
            #expect(miniLM.inputIDs[columns].map(Int.init) == reference.minilm.inputIDs[row], "row \(row)")
            #expect(miniLM.attentionMask[columns].map(Int.init) == reference.minilm.attentionMask[row], "row \(row)")
            #expect(miniLM.tokenTypeIDs[columns].map(Int.init) == reference.minilm.tokenTypeIDs[row], "row \(row)")
        }
        let chinese = try InstalledTokenizers.chineseCLIP.get().encodeBatch(reference.texts)
        #expect(chinese.length == 52)
        for row in 0..<reference.texts.count {
            #expect(chinese.row(row).map(Int.init) == reference.cn.tokens[row], "row \(row)")
        }
    }

    @Test func invalidUTF8IsReplacedLikePython() throws {
        let miniLM = try InstalledTokenizers.miniLM.get()
        let chinese = try InstalledTokenizers.chineseCLIP.get()
        for testCase in TokenizerFixtures.invalidUTF8 {
            #expect(miniLM.encode(utf8: testCase.data) == testCase.minilm, "bytes \(testCase.bytes)")
            #expect(chinese.encode(utf8: testCase.data) == testCase.cn, "bytes \(testCase.bytes)")
        }
    }
}
