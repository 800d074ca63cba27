import Foundation
import Testing
import Tokenizers

/// Token ids, per-token source offsets and word spans against the references of
/// `scripts/fixtures/token_spans.py`: Hugging Face fast tokenizers (MiniLM always, Chinese-CLIP
/// where its ids equal cn_clip's) and offset-tracking re-implementations verified against
/// open_clip's and cn_clip's ids (CLIP always, Chinese-CLIP elsewhere). Exact comparison.
@Suite struct TokenSpanParityTests {
    private func compare(_ name: String, _ entry: TokenSpanEntry, _ expected: TokenSpanEntry.Row,
                         ids: [Int], spans: TokenSpans, padding: Int) -> [String] {
        var problems: [String] = []
        let count = expected.ids.count
        let label = "[\(name) \(entry.category) \(expected.source)] \(describe(entry.text))"
        if Array(ids.prefix(count)) != expected.ids || ids.dropFirst(count).contains(where: { $0 != padding }) {
            problems.append("\(label): ids \(ids.prefix(count + 1)) expected \(expected.ids)")
        }
        if spans.characterRanges.count != ids.count
            || Array(spans.characterRanges.prefix(count)) != expected.characterRanges
            || spans.characterRanges.dropFirst(count).contains(where: { $0 != 0..<0 }) {
            problems.append("\(label): offsets \(spans.characterRanges.prefix(count)) expected \(expected.characterRanges)")
        }
        if spans.words != expected.wordSpans {
            problems.append("\(label): words \(spans.words.map { [$0.characters, $0.tokens] }) expected \(expected.words)")
        }
        return problems
    }

    @Test func clipMatchesOpenCLIPWithOffsets() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        let corpus = TokenSpanEntry.corpus
        #expect(corpus.count >= 500)
        let (batch, spans) = try tokenizer.tokenizeWithSpans(corpus.map(\.text))
        #expect(batch == (try tokenizer.tokenize(corpus.map(\.text))), "the ids-only path gives the same batch")
        var problems: [String] = []
        for (row, entry) in corpus.enumerated() {
            problems += compare("clip", entry, entry.clip, ids: batch.row(row).map(Int.init), spans: spans[row], padding: 0)
        }
        #expect(problems.isEmpty, "\(problems.count) rows differ:\n\(problems.prefix(10).joined(separator: "\n"))")
        #expect(corpus.filter { $0.clip.ids.count == 77 }.count >= 5, "the corpus should hold texts CLIP truncates")
    }

    /// `encodeBatchWithSpans` on the corpus against `expected`, after checking it gives the
    /// ids-only batch; the rows that differ.
    private func wordPieceProblems(_ tokenizer: WordPieceTokenizer, _ name: String,
                                   _ expected: (TokenSpanEntry) -> TokenSpanEntry.Row) throws -> (batch: WordPieceBatch, problems: [String]) {
        let corpus = TokenSpanEntry.corpus
        let (batch, spans) = try tokenizer.encodeBatchWithSpans(corpus.map(\.text))
        #expect(batch == (try tokenizer.encodeBatch(corpus.map(\.text))), "the ids-only path gives the same batch")
        var problems: [String] = []
        for (row, entry) in corpus.enumerated() {
            problems += compare(name, entry, expected(entry), ids: batch.row(row).map(Int.init), spans: spans[row], padding: tokenizer.paddingID)
        }
        return (batch, problems)
    }

    @Test func miniLMMatchesHuggingFaceOffsets() throws {
        let tokenizer = try InstalledTokenizers.miniLM.get()
        var (_, problems) = try wordPieceProblems(tokenizer, "minilm") { $0.minilm }
        for entry in TokenSpanEntry.corpus {
            let (encoding, spans) = try tokenizer.encodeForModelWithSpans(entry.text)
            problems += compare("minilm single", entry, entry.minilm, ids: encoding.inputIDs, spans: spans, padding: tokenizer.paddingID)
        }
        #expect(problems.isEmpty, "\(problems.count) rows differ:\n\(problems.prefix(10).joined(separator: "\n"))")
        #expect(TokenSpanEntry.corpus.filter { $0.minilm.ids.count == 256 }.count >= 3, "the corpus should hold texts MiniLM truncates")
    }

    @Test func chineseCLIPMatchesReferenceOffsets() throws {
        let (batch, problems) = try wordPieceProblems(try InstalledTokenizers.chineseCLIP.get(), "cn") { $0.cn }
        #expect(batch.length == 52)
        #expect(problems.isEmpty, "\(problems.count) rows differ:\n\(problems.prefix(10).joined(separator: "\n"))")
        let corpus = TokenSpanEntry.corpus
        #expect(corpus.filter { $0.cn.source == "hf" }.count > corpus.count * 9 / 10, "most Chinese-CLIP rows are Hugging Face's own offsets")
        #expect(corpus.filter { $0.cn.ids.count == 52 }.count >= 5, "the corpus should hold texts Chinese-CLIP truncates")
    }

    /// On the 7,218-string id corpus (no offset reference there): the span paths give the ids of
    /// the ids-only paths, and the spans are consistent: every text token has a non-empty range
    /// inside the text, added tokens and padding have none, and the words' token ranges are in
    /// order, disjoint and cover every text token.
    @Test func spansAreConsistentOnTheIDCorpus() throws {
        let texts = TokenizerFixtures.corpus.map(\.text)
        let clip = try InstalledTokenizers.clip.get()
        let (clipBatch, clipSpans) = try clip.tokenizeWithSpans(texts)
        #expect(clipBatch == (try clip.tokenize(texts)))
        var problems: [String] = []
        for (row, text) in texts.enumerated() {
            // (endOfTextPositions would stop at an <end_of_text> spelled in the text.)
            let textTokenCount = min(clip.encode(text).count, clipBatch.contextLength - 2)
            problems += inconsistencies(clipSpans[row], textTokens: 1..<(1 + textTokenCount), text: text)
        }
        for tokenizer in [try InstalledTokenizers.miniLM.get(), try InstalledTokenizers.miniLMPythonRules.get(),
                          try InstalledTokenizers.chineseCLIP.get()] {
            let (batch, spans) = try tokenizer.encodeBatchWithSpans(texts)
            #expect(batch == (try tokenizer.encodeBatch(texts)), "\(tokenizer.configuration.textRules)")
            for (row, text) in texts.enumerated() {
                problems += inconsistencies(spans[row], textTokens: 1..<(batch.tokenCounts[row] - 1), text: text)
            }
        }
        #expect(problems.isEmpty, "\(problems.count) inconsistencies:\n\(problems.prefix(10).joined(separator: "\n"))")
    }

    private func inconsistencies(_ spans: TokenSpans, textTokens: Range<Int>, text: String) -> [String] {
        let length = text.unicodeScalars.count
        var problems: [String] = []
        for (position, range) in spans.characterRanges.enumerated() {
            let valid = textTokens.contains(position) ? !range.isEmpty && range.upperBound <= length : range == 0..<0
            if !valid { problems.append("\(describe(text)): token \(position) has range \(range)") }
        }
        let covered = spans.words.flatMap { Array($0.tokens) }
        if covered != Array(textTokens) { problems.append("\(describe(text)): words cover tokens \(covered), expected \(textTokens)") }
        return problems
    }
}
