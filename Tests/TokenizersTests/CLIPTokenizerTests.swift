import Foundation
import TestSupport
import Testing
@testable import Tokenizers

/// Behaviour of the CLIP BPE tokenizer; ids quoted here come from open_clip 3.3's `SimpleTokenizer`.
@Suite struct CLIPTokenizerTests {
    @Test func vocabularyLayout() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        #expect(tokenizer.vocabularySize == 49_408)
        #expect(tokenizer.startOfTextID == 49_406)
        #expect(tokenizer.endOfTextID == 49_407)
        // Byte characters first ("!" is id 0), then the same with </w> (256 on), merges from 512.
        #expect(try tokenizer.decode([0]) == "!")
        #expect(try tokenizer.decode([256]) == "! ")
        #expect(try tokenizer.decode([49_406, 49_407]) == "<start_of_text><end_of_text>")
        #expect(tokenizer.bytePairEncoding.allowsQueueMerging, "CLIP's merges are in creation order")
    }

    @Test func knownIDs() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        // open_clip: SimpleTokenizer().encode("a photo of a cat") and friends.
        #expect(tokenizer.encode("a photo of a cat") == [320, 1125, 539, 320, 2368])
        #expect(tokenizer.encode("A PHOTO OF A CAT") == [320, 1125, 539, 320, 2368])
        #expect(tokenizer.encode("it's") == [585, 568])
        #expect(tokenizer.encode("") == [])
    }

    @Test func asciiTextRoundTrips() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        for text in ["a photo of a cat", "two dogs playing in the snow, 2024!", "hello-world: (test) #42 @home"] {
            let decoded = try tokenizer.decode(tokenizer.encode(text))
            // open_clip's decode ends every word with a space and splits punctuation runs off.
            #expect(decoded.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
                    == text.replacingOccurrences(of: " ", with: ""))
        }
        #expect(try tokenizer.decode(tokenizer.encode("a photo of a cat")) == "a photo of a cat ")
    }

    @Test func specialTokenSpellingsInText() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        #expect(tokenizer.encode("<start_of_text>") == [49_406])
        #expect(tokenizer.encode("<END_OF_TEXT>") == [49_407], "lower-casing happens before splitting")
        #expect(tokenizer.encode("a<end_of_text>b").contains(49_407))
        // Inside a run of other symbols the spelling is not a piece of its own.
        #expect(!tokenizer.encode("!<end_of_text>").contains(49_407))
        // Long s matches the pattern case-insensitively but is not the special token itself.
        #expect(tokenizer.pieces("<\u{17F}tart_of_text>") == ["<\u{17F}tart_of_text>"])
        #expect(!tokenizer.encode("<\u{17F}tart_of_text>").contains(49_406))
    }

    @Test func preTokenizerPieces() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        #expect(tokenizer.pieces("It's 2024, they're here!!") == ["it", "'s", "2", "0", "2", "4", ",", "they", "'re", "here", "!!"])
        #expect(tokenizer.pieces("''s") == ["''", "s"])
        #expect(tokenizer.pieces("naïve café") == ["naïve", "café"])
        #expect(tokenizer.pieces("👍🏽ok") == ["👍🏽", "ok"])
        #expect(tokenizer.pieces("x²") == ["x", "²"])
    }

    @Test func truncationKeepsEndOfTextLast() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        let long = Array(repeating: "cat", count: 100).joined(separator: " ")
        let row = try tokenizer.tokenize(long)
        #expect(row.count == 77)
        #expect(row.first == 49_406 && row.last == 49_407)
        #expect(row[1..<76].allSatisfy { $0 == 2368 })
        let exact = Array(repeating: "cat", count: 75).joined(separator: " ")
        #expect(try tokenizer.tokenize(exact).last == 49_407)
        let short = try tokenizer.tokenize(["a photo of a cat", ""], contextLength: 10)
        #expect(Array(short.row(0)) == [49_406, 320, 1125, 539, 320, 2368, 49_407, 0, 0, 0])
        #expect(Array(short.row(1)) == [49_406, 49_407, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(short.endOfTextPositions == [6, 1])
        #expect(try tokenizer.tokenize(long, contextLength: 2) == [49_406, 49_407])
        #expect(throws: TokenizerError.lengthTooSmall(1, minimum: 2)) { try tokenizer.tokenize(long, contextLength: 1) }
    }

    @Test func decodeRejectsUnknownIDs() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        #expect(throws: TokenizerError.unknownTokenID(49_408, vocabularySize: 49_408)) { try tokenizer.decode([49_408]) }
        #expect(throws: TokenizerError.unknownTokenID(-1, vocabularySize: 49_408)) { try tokenizer.decode([-1]) }
        // A character cut between tokens decodes to U+FFFD, as Python's errors="replace" does:
        // id 127 is the lone byte 0xC3 (the first byte of "é", id 4166).
        #expect(try tokenizer.decode([127]) == "\u{FFFD}")
        #expect(try tokenizer.decode([127, 4166]) == "\u{FFFD}é ")
    }

    @Test func queueMergingEqualsPassMerging() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        let encoding = tokenizer.bytePairEncoding
        var generator = SplitMix64(seed: 7)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzéü日本😀".utf8)
        let syllables = ["an", "the", "ing", "tion", "er", "re", "photo", "graph", "cat", "dog", "un", "believ", "able"]
        for trial in 0..<200 {
            var bytes: [UInt8] = []
            let length = 50 + Int(generator.next() % 400)
            while bytes.count < length {
                if trial % 2 == 0 {
                    bytes += Array(syllables[Int(generator.next() % UInt64(syllables.count))].utf8)
                } else {
                    bytes.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
                }
            }
            var symbols = bytes.map { encoding.byteSymbol[Int($0)] }
            symbols[symbols.count - 1] += encoding.endOfWordOffset
            #expect(encoding.mergeWithQueue(symbols) == encoding.mergeByPasses(symbols), "trial \(trial)")
        }
    }

    @Test func malformedMergesAreRejected() throws {
        #expect(throws: TokenizerError.tooFewMerges(found: 2, required: CLIPTokenizer.mergeCount)) {
            try CLIPTokenizer(mergesText: "#version: 0.2\ni n\nt h")
        }
        var lines = ["#version"] + Array(repeating: "a b", count: CLIPTokenizer.mergeCount)
        lines[3] = "abc"
        #expect(throws: TokenizerError.malformedMerge(line: 3, text: "abc")) { try CLIPTokenizer(mergesText: lines.joined(separator: "\n")) }
        lines[3] = "q zz"
        #expect(throws: TokenizerError.unknownMergeSymbol(line: 3, symbol: "zz")) { try CLIPTokenizer(mergesText: lines.joined(separator: "\n")) }
        let missing = URL(fileURLWithPath: "/nonexistent/bpe.txt.gz")
        #expect(throws: TokenizerError.self) { try CLIPTokenizer(mergesFile: missing) }
    }
}
