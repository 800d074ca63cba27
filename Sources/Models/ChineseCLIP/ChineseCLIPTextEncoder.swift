import Autograd
import NN
import Tensor
import Tokenizers

/// Chinese-CLIP's text tower with its WordPiece tokenizer (Yang et al. 2022) as a `TextEncoder`.
/// Parameter names are the tower's (`bert.…`, `text_projection`), the text half of a cn_clip
/// state dict.
///
/// cn_clip pads every text to the context length (52); padding keys are masked at −10000, whose
/// softmax weight is exactly zero in Float32, so padding to the batch's longest text gives the
/// same embeddings with less work.
public struct ChineseCLIPTextEncoder: TextEncoder {
    public let tokenizer: WordPieceTokenizer
    @Key("") public var tower: ChineseCLIPTextTower

    public init(_ tower: ChineseCLIPTextTower, tokenizer: WordPieceTokenizer) {
        self.tokenizer = tokenizer
        self.tower = tower
    }

    public var embeddingWidth: Int { tower.configuration.embedDimension }
    public var projectionPaths: [String] { ["text_projection"] }

    /// `[CLS] pieces… [SEP]` per text as `cn_clip.clip.tokenize` makes them (context 52).
    public func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        let (batch, spans) = includingSpans ? try tokenizer.encodeBatchWithSpans(texts, padding: .longest)
            : (try tokenizer.encodeBatch(texts, padding: .longest), nil)
        return TokenizedTexts(ids: (0..<batch.count).map { batch.row($0).map(Int.init) }, lengths: batch.tokenCounts, spans: spans)
    }

    /// The projected `[CLS]` state as the pooled embedding; BERT's last hidden states as token states.
    public func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        let states = tower.bert(BERTInput(paddedRows: tokens.ids, paddingID: tower.paddingID)).lastHiddenState  // [batch, length, hidden]
        let pooled = Variable.matmul(firstTokens(of: states), tower.textProjection.variable)  // [batch, embedDimension]
        return TextEncoding(pooled: pooled, tokenStates: includingTokenStates ? states : nil, tokens: tokens)
    }
}
