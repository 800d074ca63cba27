/// One word of a tokenized text, where it is in the text and in the model's row of tokens.
///
/// A word is what the tokenizer splits text into before subword encoding: a piece of CLIP's
/// pre-tokenizer (a run of letters, one digit, a run of other symbols, an English contraction,
/// a special-token spelling), or a word of BERT's basic tokenizer (whitespace- and
/// punctuation-separated, each CJK ideograph alone, a special-token spelling). Its subword
/// tokens are consecutive in the row.
public struct WordSpan: Equatable, Hashable, Sendable {
    /// The Unicode scalars of the original text (Python code points) the word's tokens came
    /// from: from its first token's start to its last token's end.
    public let characters: Range<Int>
    /// Positions of its tokens in the model's row, the start token being position 0.
    public let tokens: Range<Int>

    public init(characters: Range<Int>, tokens: Range<Int>) {
        self.characters = characters
        self.tokens = tokens
    }
}
