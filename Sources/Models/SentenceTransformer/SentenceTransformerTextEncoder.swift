import Autograd
import NN
import Tensor

extension SentenceTransformer: TextEncoder {
    public var embeddingWidth: Int { embeddingDimension }

    /// `[CLS] pieces… [SEP]` per text (lower-cased first when the model asks for it), cut to
    /// `maximumSequenceLength`, padded with `[PAD]` to the batch's longest.
    public func tokenize(_ texts: [String]) throws -> TokenizedTexts {
        let rows = try texts.map { text in
            try tokenizer.encodeForModel(configuration.lowercasesInput ? text.lowercased() : text,
                                         maximumLength: maximumSequenceLength).inputIDs
        }
        let length = rows.map(\.count).max() ?? 0
        return TokenizedTexts(ids: rows.map { $0 + Array(repeating: tokenizer.paddingID, count: length - $0.count) },
                              lengths: rows.map(\.count))
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
