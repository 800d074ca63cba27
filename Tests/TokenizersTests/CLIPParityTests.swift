import Foundation
import Testing
import Tokenizers

/// CLIP BPE against open_clip 3.3 `SimpleTokenizer` on the fixture corpus
/// (`scripts/fixtures/tokenizers.py`). Every string must give identical ids. The one documented
/// exclusion rule: where ftfy's mojibake repair (`fix_encoding`) changes a string, the expected
/// ids are open_clip's ids with that repair turned off, which the fixture stores separately.
@Suite struct CLIPParityTests {
    @Test func everyCorpusStringMatchesOpenCLIP() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        let corpus = TokenizerFixtures.corpus
        #expect(corpus.count >= 5_000)
        var mismatches: [String] = []
        var matchedWithMojibakeRepairOff = 0
        var exactlyOpenCLIP = 0
        for entry in corpus {
            let ids = tokenizer.encode(entry.text)
            if ids == entry.expectedCLIP {
                if entry.clipWithoutMojibakeRepair != nil { matchedWithMojibakeRepairOff += 1 }
                if ids == entry.clip { exactlyOpenCLIP += 1 }
            } else {
                mismatches.append("[\(entry.category)] \(describe(entry.text)): expected \(entry.expectedCLIP.prefix(12)), got \(ids.prefix(12))")
            }
        }
        let repairedCount = corpus.filter { $0.clipWithoutMojibakeRepair != nil }.count
        print("CLIP parity: \(corpus.count - mismatches.count)/\(corpus.count) strings match; \(exactlyOpenCLIP) equal open_clip's default ids, \(matchedWithMojibakeRepairOff) of \(repairedCount) mojibake-repaired strings match open_clip with fix_encoding=False")
        #expect(mismatches.isEmpty, "\(mismatches.count) strings differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        // The exclusion rule covers only strings ftfy's mojibake repair changes, all in these categories.
        let excludedCategories = Set(corpus.filter { $0.clipWithoutMojibakeRepair != nil }.map(\.category))
        #expect(excludedCategories.isSubset(of: ["mojibake", "html"]))
        #expect(repairedCount < corpus.count / 100)
    }

    @Test func decodeMatchesOpenCLIP() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        var checked = 0
        var mismatches: [String] = []
        for entry in TokenizerFixtures.corpus {
            guard let expected = entry.clipDecoded else { continue }
            checked += 1
            let decoded = try tokenizer.decode(entry.clip)
            if !sameScalars(decoded, expected) {
                mismatches.append("\(describe(entry.text)): expected \(describe(expected)), got \(describe(decoded))")
            }
        }
        #expect(checked > 1_000)
        #expect(mismatches.isEmpty, "\(mismatches.count) decodings differ:\n\(mismatches.prefix(10).joined(separator: "\n"))")
    }

    @Test func batchRowsFollowOpenCLIPTruncation() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        let corpus = TokenizerFixtures.corpus
        let batch = try tokenizer.tokenize(corpus.map(\.text))
        #expect(batch.count == corpus.count && batch.contextLength == 77)
        var truncated = 0
        for (index, entry) in corpus.enumerated() {
            var expected = [49406] + entry.expectedCLIP + [49407]
            if expected.count > 77 {
                expected = Array(expected.prefix(77))
                expected[76] = 49407
                truncated += 1
            }
            expected += Array(repeating: 0, count: 77 - expected.count)
            #expect(batch.row(index).map(Int.init) == expected, "row \(index): \(describe(entry.text))")
            #expect(batch.endOfTextPositions[index] == expected.firstIndex(of: 49407)!)
        }
        #expect(truncated >= 50, "the corpus should hold texts longer than the context")
    }

    @Test func referenceBatchIsReproduced() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        let reference = TokenizerFixtures.batches
        let batch = try tokenizer.tokenize(reference.texts)
        for row in 0..<reference.texts.count {
            #expect(batch.row(row).map(Int.init) == reference.clip.tokens[row], "row \(row)")
        }
        // open_clip pools the text transformer at argmax(ids): the first <end_of_text>.
        #expect(batch.endOfTextPositions == reference.clip.argmax)
    }

    @Test func invalidUTF8IsReplacedLikePython() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        for testCase in TokenizerFixtures.invalidUTF8 {
            #expect(sameScalars(UTF8Input.decodeReplacingInvalidBytes(testCase.data), testCase.text), "bytes \(testCase.bytes)")
            #expect(tokenizer.encode(utf8: testCase.data) == testCase.clip, "bytes \(testCase.bytes)")
        }
    }
}
