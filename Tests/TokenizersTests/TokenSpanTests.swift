import Foundation
import Testing
import Tokenizers

/// Mapping a character span (as a parser reports it) to the tokens that cover it, on hand-written
/// cases whose token positions are read off the reference rows of the token_spans fixture.
@Suite struct TokenSpanTests {
    private func span(of phrase: String, in text: String) -> Range<Int> {
        TokenSpans.scalarRange(of: text.range(of: phrase)!, in: text)
    }

    @Test func relationPhraseMapsToItsTokens() throws {
        let text = "a dog to the left of a cat"
        let relation = span(of: "to the left of", in: text)
        #expect(relation == 6..<20)
        // [SOT] a dog to the left of a cat [EOT]: "to the left of" is row positions 3...6 for both.
        let clip = try InstalledTokenizers.clip.get()
        let (clipIDs, clipSpans) = try clip.tokenizeWithSpans(text)
        let clipTokens = try #require(clipSpans.tokenRange(coveringCharacters: relation))
        #expect(clipTokens == 3..<7)
        #expect(try clip.decode(clipIDs[clipTokens].map(Int.init)) == "to the left of ")
        #expect(clipSpans.wordRange(coveringCharacters: relation) == 2..<6)

        let miniLM = try InstalledTokenizers.miniLM.get()
        let (encoding, miniLMSpans) = try miniLM.encodeForModelWithSpans(text)
        let miniLMTokens = try #require(miniLMSpans.tokenRange(coveringCharacters: relation))
        #expect(miniLMTokens == 3..<7)
        #expect(try miniLM.decode(Array(encoding.inputIDs[miniLMTokens])) == "to the left of")

        let chinese = try InstalledTokenizers.chineseCLIP.get()
        let (batch, chineseSpans) = try chinese.encodeBatchWithSpans([text])
        let chineseTokens = try #require(chineseSpans[0].tokenRange(coveringCharacters: relation))
        #expect(try chinese.decode(batch.row(0)[chineseTokens].map(Int.init)) == "to the left of")
    }

    @Test func multiTokenWordsAndPartialSpans() throws {
        let chinese = try InstalledTokenizers.chineseCLIP.get()
        // Chinese-CLIP's vocabulary cuts "front" into "f ##ron ##t": positions 5...7.
        let text = "the cup is in front of the laptop"
        let (_, spans) = try chinese.encodeBatchWithSpans([text])
        #expect(spans[0].tokenRange(coveringCharacters: span(of: "in front of", in: text)) == 4..<9)
        #expect(spans[0].words[4] == WordSpan(characters: 14..<19, tokens: 5..<8))
        // A span inside one token gives that token; one across a token boundary gives both.
        #expect(spans[0].tokenRange(coveringCharacters: 14..<15) == 5..<6)
        #expect(spans[0].tokenRange(coveringCharacters: 17..<19) == 6..<8)
        // Whitespace, an empty span and text beyond the end cover no token.
        #expect(spans[0].tokenRange(coveringCharacters: 3..<4) == nil)
        #expect(spans[0].tokenRange(coveringCharacters: 5..<5) == nil)
        #expect(spans[0].tokenRange(coveringCharacters: 40..<50) == nil)
    }

    @Test func normalisationMapsBackToTheOriginalText() throws {
        let clip = try InstalledTokenizers.clip.get()
        // An html entity: the "&" token covers the whole "&amp;".
        let entity = "a cat &amp; a dog"
        let (_, entitySpans) = try clip.tokenizeWithSpans(entity)
        #expect(entitySpans.characterRanges[3] == 6..<11)
        #expect(entitySpans.tokenRange(coveringCharacters: span(of: "a dog", in: entity)) == 4..<6)
        // Collapsed whitespace, upper case and İ (lower-cased to i and a combining dot, which the
        // pre-tokenizer makes pieces of their own).
        let spaced = "  A\u{3000}DOG \t İstanbul"
        let (spacedIDs, spacedSpans) = try clip.tokenizeWithSpans(spaced)
        #expect(Array(spacedIDs.prefix(7)) == [49406, 320, 1929, 328, 16384, 11231, 49407])
        #expect(Array(spacedSpans.characterRanges.prefix(7)) == [0..<0, 2..<3, 4..<7, 10..<11, 10..<11, 11..<18, 0..<0])
        #expect(spacedSpans.words.map(\.characters) == [2..<3, 4..<7, 10..<11, 10..<11, 11..<18])
        // A decomposed accent composed by NFC: the token covers both scalars.
        let (_, composedSpans) = try clip.tokenizeWithSpans("cafe\u{301} ok")
        #expect(composedSpans.characterRanges[1] == 0..<5)
        // BERT strips the accent: the removed mark belongs to no token.
        let (_, strippedSpans) = try InstalledTokenizers.miniLM.get().encodeForModelWithSpans("cafe\u{301} ok")
        #expect(strippedSpans.characterRanges[1] == 0..<4)
        // Emoji count as their scalars: 👍🏽 is two.
        let emoji = "👍🏽 a dog"
        let (_, emojiSpans) = try clip.tokenizeWithSpans(emoji)
        #expect(span(of: "a dog", in: emoji) == 3..<8)
        #expect(emojiSpans.characterRanges[1] == 0..<2)
        // CJK characters are words of their own in BERT.
        let (_, cjkSpans) = try InstalledTokenizers.chineseCLIP.get().encodeBatchWithSpans(["小狗在草地上"])
        #expect(cjkSpans[0].words.map(\.characters) == (0..<6).map { $0..<($0 + 1) })
    }

    @Test func truncationKeepsOnlyTheTokensInTheRow() throws {
        let clip = try InstalledTokenizers.clip.get()
        let text = Array(repeating: "a dog to the left of a cat", count: 20).joined(separator: " ")
        let (ids, spans) = try clip.tokenizeWithSpans(text, contextLength: 10)
        #expect(ids.count == 10 && ids.last == 49407)
        #expect(spans.characterRanges.count == 10 && spans.characterRanges.last == 0..<0)
        #expect(spans.words.count == 8 && spans.words.last!.tokens == 8..<9)
        #expect(spans.tokenRange(coveringCharacters: 100..<120) == nil, "cut off by truncation")
        // A word cut partway keeps its kept tokens and their characters.
        let miniLM = try InstalledTokenizers.miniLM.get()
        let (encoding, cut) = try miniLM.encodeForModelWithSpans("unbelievably fantastic", maximumLength: 4)
        #expect(encoding.inputIDs.count == 4)
        #expect(cut.words == [WordSpan(characters: 0..<5, tokens: 1..<3)])
    }

    @Test func paddingHasNoSource() throws {
        let miniLM = try InstalledTokenizers.miniLM.get()
        let (batch, spans) = try miniLM.encodeBatchWithSpans(["a dog", "a dog to the left of a cat"])
        #expect(batch.length == 10 && batch.tokenCounts == [4, 10])
        #expect(Array(spans[0].characterRanges) == [0..<0, 0..<1, 2..<5] + Array(repeating: 0..<0, count: 7))
    }

    @Test func tooShortLengthsAreRejected() throws {
        let clip = try InstalledTokenizers.clip.get()
        #expect(throws: TokenizerError.lengthTooSmall(1, minimum: 2)) { try clip.tokenizeWithSpans(["a"], contextLength: 1) }
        let miniLM = try InstalledTokenizers.miniLM.get()
        #expect(throws: TokenizerError.lengthTooSmall(1, minimum: 2)) { try miniLM.encodeBatchWithSpans(["a"], maximumLength: 1) }
        #expect(throws: TokenizerError.lengthTooSmall(0, minimum: 2)) { try miniLM.encodeForModelWithSpans("a", maximumLength: 0) }
    }
}
