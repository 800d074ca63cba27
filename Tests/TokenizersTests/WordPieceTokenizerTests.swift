import Foundation
import TestSupport
import Testing
@testable import Tokenizers

/// Behaviour of the WordPiece tokenizer; ids quoted here come from transformers 5 `BertTokenizer`
/// with the all-MiniLM-L6-v2 vocabulary and from cn_clip 1.6.
@Suite struct WordPieceTokenizerTests {
    @Test func miniLMKnownPieces() throws {
        let tokenizer = try InstalledTokenizers.miniLM.get()
        #expect(tokenizer.tokenize("unaffable") == ["una", "##ffa", "##ble"])
        #expect(tokenizer.encode("unaffable") == [14_477, 20_961, 3_468])
        #expect(tokenizer.encode("Hello, World!") == [7_592, 1_010, 2_088, 999])
        #expect(tokenizer.tokenize("Héllo naïve Café") == ["hello", "naive", "cafe"])
        #expect(tokenizer.tokenize("中文字") == ["中", "文", "[UNK]"])
        #expect(tokenizer.tokenize("don't stop") == ["don", "'", "t", "stop"])
        #expect(tokenizer.vocabulary.count == 30_522)
        let specialIDs: [Int] = [tokenizer.paddingID, tokenizer.unknownID, tokenizer.classID, tokenizer.separatorID, tokenizer.maskID]
        #expect(specialIDs == [0, 100, 101, 102, 103])
    }

    @Test func specialTokensAreNeverSplit() throws {
        let miniLM = try InstalledTokenizers.miniLM.get()
        #expect(miniLM.encode("[CLS] x [MASK] y[SEP]") == [101, 1_060, 103, 1_061, 102])
        #expect(miniLM.tokenize("[cls]") == ["[", "cl", "##s", "]"], "special tokens are case-sensitive")
        // Google's rules (Chinese-CLIP) know no special tokens in text.
        let chinese = try InstalledTokenizers.chineseCLIP.get()
        #expect(chinese.encode("Hello World [CLS]") == [8_701, 8_572, 138, 12_847, 8_118, 140])
    }

    @Test func longWordsBecomeUnknown() throws {
        let miniLM = try InstalledTokenizers.miniLM.get()
        #expect(miniLM.encode(String(repeating: "a", count: 101)) == [100])
        #expect(miniLM.encode(String(repeating: "a", count: 100)) != [100])
        let chinese = try InstalledTokenizers.chineseCLIP.get()
        #expect(chinese.encode(String(repeating: "a", count: 201)) == [100])
        #expect(chinese.encode(String(repeating: "a", count: 200)) != [100], "cn_clip allows 200 characters per word")
    }

    @Test func chineseCLIPInputs() throws {
        let tokenizer = try InstalledTokenizers.chineseCLIP.get()
        #expect(tokenizer.encode("一只猫在草地上。") == [671, 1_372, 4_344, 1_762, 5_770, 1_765, 677, 511])
        #expect(tokenizer.encode("ΟΔΟΣ") == [222, 13_383, 13_392, 13_395], "final sigma, as Python's str.lower gives")
        let batch = try tokenizer.encodeBatch(["一只猫"])
        #expect(batch.length == 52)
        #expect(Array(batch.row(0).prefix(8)) == [101, 671, 1_372, 4_344, 102, 0, 0, 0])
        #expect(Array(batch.attentionMask.prefix(6)) == [1, 1, 1, 1, 1, 0])
        #expect(batch.tokenCounts == [5])
    }

    @Test func truncationAndPadding() throws {
        let tokenizer = try InstalledTokenizers.miniLM.get()
        let long = Array(repeating: "cat", count: 300).joined(separator: " ")
        let encoding = try tokenizer.encodeForModel(long)
        #expect(encoding.inputIDs.count == 256)
        #expect(encoding.inputIDs.first == 101 && encoding.inputIDs.last == 102)
        #expect(try tokenizer.encodeForModel(long, maximumLength: 5).inputIDs == [101, 4_937, 4_937, 4_937, 102])
        let batch = try tokenizer.encodeBatch(["a cat", "a photo of a cat."])
        #expect(batch.length == 8)
        #expect(Array(batch.row(0)) == [101, 1_037, 4_937, 102, 0, 0, 0, 0])
        #expect(Array(batch.row(1)) == [101, 1_037, 6_302, 1_997, 1_037, 4_937, 1_012, 102])
        #expect(batch.attentionMask == [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(batch.tokenTypeIDs == Array(repeating: 0, count: 16))
        #expect(try tokenizer.encodeBatch(["a cat"], padding: .maximumLength).length == 256)
        #expect(try tokenizer.encodeBatch([]).count == 0)
        #expect(throws: TokenizerError.lengthTooSmall(1, minimum: 2)) { try tokenizer.encodeForModel("x", maximumLength: 1) }
    }

    @Test func decodeJoinsContinuations() throws {
        let tokenizer = try InstalledTokenizers.miniLM.get()
        #expect(try tokenizer.decode(tokenizer.encodeForModel("A photo of a cat, isn't it?").inputIDs) == "a photo of a cat, isn't it?")
        #expect(try tokenizer.decode(tokenizer.encode("unaffable")) == "unaffable")
        #expect(try tokenizer.decode([101, 7_592, 102], skippingSpecialTokens: false) == "[CLS] hello [SEP]")
        #expect(throws: TokenizerError.unknownTokenID(30_522, vocabularySize: 30_522)) { try tokenizer.decode([30_522]) }
    }

    @Test func vocabularyFileParsing() throws {
        let vocabulary = WordPieceVocabulary(text: "[PAD]\r\n[UNK]\r[CLS]\n  [SEP] \n\u{2028}\n[MASK]\nx\nx\n##y\n")
        #expect(vocabulary.tokens == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "", "[MASK]", "x", "x", "##y"])
        #expect(vocabulary.id(of: "x") == 7, "a repeated token keeps its last id")
        #expect(vocabulary.id(of: "") == 4)
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, configuration: .allMiniLML6V2)
        #expect(tokenizer.encode("xy X z") == [7, 8, 7, 1])
        #expect(throws: TokenizerError.missingSpecialToken("[MASK]")) {
            try WordPieceTokenizer(vocabulary: WordPieceVocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]), configuration: .allMiniLML6V2)
        }
        #expect(throws: TokenizerError.self) {
            try WordPieceTokenizer(vocabularyFile: URL(fileURLWithPath: "/nonexistent/vocab.txt"), configuration: .chineseCLIP)
        }
    }

    @Test func configurationUsesUpstreamKeys() throws {
        let data = try JSONEncoder().encode(WordPieceConfiguration.chineseCLIP)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["do_lower_case"] as? Bool == true)
        #expect(object["max_input_chars_per_word"] as? Int == 200)
        #expect(object["max_length"] as? Int == 52)
        #expect(object["text_rules"] as? String == "googleResearchBERT")
        #expect(try JSONDecoder().decode(WordPieceConfiguration.self, from: data) == .chineseCLIP)
    }

    @Test func ruleSetsDifferWhereDocumented() throws {
        let vocabularyURL = try TestPaths.installedPackageFile(InstalledTokenizers.miniLMVocabularyPath)
        func tokens(_ rules: BERTTextRules, _ text: String) throws -> [String] {
            var configuration = WordPieceConfiguration.allMiniLML6V2
            configuration.textRules = rules
            return try WordPieceTokenizer(vocabularyFile: vocabularyURL, configuration: configuration).tokenize(text)
        }
        // Final sigma: Python's str.lower versus Rust's per-character lower-casing.
        #expect(try tokens(.huggingFacePython, "ΟΔΟΣ") == ["ο", "##δ", "##ος"])
        #expect(try tokens(.huggingFaceTokenizers, "ΟΔΟΣ") == ["ο", "##δ", "##ο", "##σ"])
        // Unassigned code points: removed by transformers' Python code, kept by the Rust crate.
        #expect(try tokens(.huggingFacePython, "\u{378} z") == ["z"])
        #expect(try tokens(.huggingFaceTokenizers, "\u{378} z") == ["[UNK]", "z"])
        // U+2B820 is a CJK ideograph everywhere except in the Rust crate's table.
        #expect(try tokens(.huggingFacePython, "a\u{2B820}b") == ["a", "[UNK]", "b"])
        #expect(try tokens(.huggingFaceTokenizers, "a\u{2B820}b") == ["[UNK]"])
        // Private use: kept (as an unknown word) only by Google's rules.
        #expect(try tokens(.googleResearchBERT, "x\u{E000}y") == ["[UNK]"])
        #expect(try tokens(.huggingFaceTokenizers, "x\u{E000}y") == ["x", "##y"])
    }
}
