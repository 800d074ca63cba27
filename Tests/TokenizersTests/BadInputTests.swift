import Foundation
import Testing
import Tokenizers

/// Empty, blank, control-only, ill-formed and very long inputs.
@Suite struct BadInputTests {
    static let blankInputs = ["", " ", "\t\n\r ", "\u{3000}\u{A0}\u{2028}", "\u{0}\u{1}\u{7F}", "\u{1B}[0m", "\u{FEFF}\u{200B}\u{FFFD}"]

    @Test func blankTextGivesOnlyTheFramingTokens() throws {
        let clip = try InstalledTokenizers.clip.get()
        let miniLM = try InstalledTokenizers.miniLM.get()
        let chinese = try InstalledTokenizers.chineseCLIP.get()
        for text in Self.blankInputs.prefix(5) {
            #expect(clip.encode(text) == [], "\(describe(text))")
            #expect(try clip.tokenize(text).prefix(3) == [49_406, 49_407, 0])
            #expect(miniLM.encode(text) == [])
            #expect(try miniLM.encodeForModel(text).inputIDs == [101, 102])
            #expect(chinese.encode(text) == [])
        }
        // A terminal escape: ftfy (CLIP) removes it whole, BERT's cleaning only the ESC character.
        #expect(clip.encode("\u{1B}[0m") == [])
        #expect(miniLM.tokenize("\u{1B}[0m") == ["[", "0", "##m"])
        // Zero-width space and U+FFFD are not whitespace: CLIP keeps them as symbols, BERT drops them.
        #expect(clip.encode("\u{FEFF}\u{200B}\u{FFFD}").count > 0)
        #expect(miniLM.encode("\u{FEFF}\u{200B}\u{FFFD}") == [])
        #expect(try clip.tokenize([String]()).count == 0)
    }

    @Test func invalidUTF8IsReplacedNotRejected() throws {
        let bytes = Data([0x63, 0x61, 0x74, 0xFF, 0xE2, 0x82, 0x20, 0x64, 0x6F, 0x67])   // "cat", 0xFF, cut "€", " dog"
        #expect(UTF8Input.hasInvalidUTF8(bytes))
        #expect(!UTF8Input.hasInvalidUTF8(Data("cat dog".utf8)))
        #expect(UTF8Input.decodeReplacingInvalidBytes(bytes) == "cat\u{FFFD}\u{FFFD} dog")
        let clip = try InstalledTokenizers.clip.get()
        #expect(clip.encode(utf8: bytes) == clip.encode("cat\u{FFFD}\u{FFFD} dog"))
        let miniLM = try InstalledTokenizers.miniLM.get()
        #expect(miniLM.encode(utf8: bytes) == miniLM.encode("cat dog"), "BERT's cleaning removes U+FFFD")
    }

    @Test func veryLongTextsAreTokenized() throws {
        let clip = try InstalledTokenizers.clip.get()
        let miniLM = try InstalledTokenizers.miniLM.get()
        let chinese = try InstalledTokenizers.chineseCLIP.get()
        let sentence = "A small dog & a large cat sit on the grass near the river, 2024!\n"
        let inputs: [(String, String)] = [
            ("sentences", String(repeating: sentence, count: 100_000 / sentence.count + 1)),
            ("one long word", String(repeating: "abcdefghij", count: 10_000)),
            ("ideographs", String(repeating: "猫在草地上", count: 20_000)),
            ("emoji", String(repeating: "👩‍👩‍👧‍👦", count: 15_000)),
            ("entities", String(repeating: "&amp; &eacute; &#x41; ", count: 5_000)),
            ("whitespace", String(repeating: " \t\n", count: 35_000)),
        ]
        for (name, text) in inputs {
            let start = Date()
            let clipIDs = clip.encode(text)
            let row = try clip.tokenize(text)
            let miniLMIDs = miniLM.encode(text)
            let chineseIDs = chinese.encode(text)
            let seconds = Date().timeIntervalSince(start)
            print("100k-character input (\(name)): \(text.unicodeScalars.count) scalars, \(clipIDs.count) CLIP ids, \(miniLMIDs.count) MiniLM ids, \(chineseIDs.count) Chinese-CLIP ids in \(String(format: "%.3f", seconds)) s")
            #expect(row.count == 77 && row.last == 49_407 || name == "whitespace")
            if name == "one long word" {
                #expect(miniLMIDs == [100] && chineseIDs == [100], "a 100,000-letter word is longer than any word limit")
                #expect(clipIDs.count > 10_000)
            }
            if name == "whitespace" { #expect(clipIDs.isEmpty && miniLMIDs.isEmpty && chineseIDs.isEmpty) }
        }
    }

    @Test func nestedEntitiesAreDecodedToTheEnd() throws {
        let clip = try InstalledTokenizers.clip.get()
        // ftfy decodes one level per round until nothing changes, then html.unescape runs twice more.
        let nested = "&" + String(repeating: "amp;", count: 200) + "lt;"
        #expect(clip.cleanText(nested) == "<")
    }

    @Test func throughputOfTenThousandCaptions() throws {
        let clip = try InstalledTokenizers.clip.get()
        let miniLM = try InstalledTokenizers.miniLM.get()
        let captions = TokenizerFixtures.corpus.filter { $0.category == "caption" || $0.category == "imagenet_prompt" }.map(\.text)
        let texts = (0..<10_000).map { captions[$0 % captions.count] + " #\($0)" }
        var start = Date()
        let clipBatch = try clip.tokenize(texts)
        let clipSeconds = Date().timeIntervalSince(start)
        start = Date()
        let miniLMBatch = try miniLM.encodeBatch(texts)
        let miniLMSeconds = Date().timeIntervalSince(start)
        print("10,000 captions: CLIP \(String(format: "%.3f", clipSeconds)) s, MiniLM \(String(format: "%.3f", miniLMSeconds)) s (warm caches, this machine)")
        #expect(clipBatch.count == 10_000 && miniLMBatch.count == 10_000)
    }
}
