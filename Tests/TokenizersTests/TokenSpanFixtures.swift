import Foundation
import TestSupport
import Tokenizers

/// One string of `Tests/Fixtures/token_spans/corpus.jsonl` (`scripts/fixtures/token_spans.py`):
/// for CLIP (context 77), all-MiniLM-L6-v2 (256) and Chinese-CLIP (52), the unpadded model row,
/// each token's source offsets and each word's characters and tokens.
struct TokenSpanEntry: Decodable {
    struct Row: Decodable {
        let ids: [Int]
        /// Per id, `[start, end)` in Unicode scalars of `text`; `[0, 0]` for added tokens.
        let offsets: [[Int]]
        /// Per word, `[characterStart, characterEnd, tokenStart, tokenEnd]`.
        let words: [[Int]]
        /// "hf" (Hugging Face fast tokenizer output) or "python" (the script's offset-tracking
        /// re-implementation, verified against open_clip / cn_clip ids).
        let source: String

        var characterRanges: [Range<Int>] { offsets.map { $0[0]..<$0[1] } }
        var wordSpans: [WordSpan] { words.map { WordSpan(characters: $0[0]..<$0[1], tokens: $0[2]..<$0[3]) } }
    }

    let category: String
    let text: String
    let clip: Row
    let minilm: Row
    let cn: Row

    static let corpus: [TokenSpanEntry] = {
        let text = try! String(contentsOf: TestPaths.fixture("token_spans", "corpus.jsonl"), encoding: .utf8)
        let decoder = JSONDecoder()
        return text.split(separator: "\n").map { try! decoder.decode(TokenSpanEntry.self, from: Data($0.utf8)) }
    }()
}
