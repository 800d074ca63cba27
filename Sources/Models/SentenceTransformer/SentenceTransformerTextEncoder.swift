import Autograd
import NN
import Tensor

extension SentenceTransformer: TextEncoder {
    public var embeddingWidth: Int { embeddingDimension }

    /// `[CLS] pieces… [SEP]` per text (lower-cased first when the model asks for it; spans then
    /// count the lower-cased text's characters), cut to `maximumSequenceLength`, padded with
    /// `[PAD]` to the batch's longest.
    public func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        let prepared = configuration.lowercasesInput ? texts.map { $0.lowercased() } : texts
        let (batch, spans) = includingSpans
            ? try tokenizer.encodeBatchWithSpans(prepared, maximumLength: maximumSequenceLength, padding: .longest)
            : (try tokenizer.encodeBatch(prepared, maximumLength: maximumSequenceLength, padding: .longest), nil)
        return TokenizedTexts(ids: (0..<batch.count).map { batch.row($0).map(Int.init) }, lengths: batch.tokenCounts, spans: spans)
    }

    /// The pipeline's pooling (and normalisation, when the model ends in one) as the pooled
    /// embedding; the token states are BERT's last hidden states.
    public func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        let input = BERTInput(tokens)
        let states = encoder(input).lastHiddenState  // [batch, length, hiddenSize]
        let pooled = pooling(states, attentionMask: input.attentionMask)  // [batch, embeddingDimension]
        return TextEncoding(pooled: normalizes ? pooled.l2NormalizedRows() : pooled,
                            tokenStates: includingTokenStates ? states : nil, tokens: tokens)
    }

    /// Length-sorted batches (see `embed(texts:batchSize:)`).
    public func embed(_ texts: [String], batchSize: Int) throws -> Tensor {
        try embed(texts: texts, batchSize: batchSize)
    }
}
