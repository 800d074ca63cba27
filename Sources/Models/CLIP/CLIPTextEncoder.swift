import Autograd
import NN
import Tensor
import Tokenizers

/// CLIP's causal text transformer with its byte-level BPE tokenizer (Radford et al. 2021) as a
/// `TextEncoder`. Parameter names are the transformer's own (`token_embedding.weight`,
/// `transformer.resblocks.<l>.…`, `ln_final`, `text_projection`), the top level of a CLIP state dict.
///
/// Texts are tokenised to the model's context length as open_clip does, then cut to the batch's
/// longest text (end-of-text included): attention is causal and pooling reads the end-of-text
/// token, so trailing padding never changes an embedding and only costs time.
public struct CLIPTextEncoder: TextEncoder {
    public let tokenizer: CLIPTokenizer
    @Key("") public var transformer: TextTransformer

    public init(_ transformer: TextTransformer, tokenizer: CLIPTokenizer) {
        self.tokenizer = tokenizer
        self.transformer = transformer
    }

    public var embeddingWidth: Int { transformer.configuration.outputDimension }
    public var projectionPaths: [String] { transformer.projection == nil ? [] : ["text_projection"] }

    /// Token rows cut to the longest text; a token id beyond the model's vocabulary (a test-size
    /// checkpoint) throws `ModelError.vocabularyTooSmall`.
    public func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        let configuration = transformer.configuration
        let (batch, spans) = includingSpans
            ? try tokenizer.tokenizeWithSpans(texts, contextLength: configuration.contextLength)
            : (try tokenizer.tokenize(texts, contextLength: configuration.contextLength), nil)
        if let largest = batch.tokens.max(), Int(largest) >= configuration.vocabularySize {
            throw ModelError.vocabularyTooSmall(vocabularySize: configuration.vocabularySize, tokenID: Int(largest))
        }
        let length = (batch.endOfTextPositions.max() ?? 0) + 1
        return TokenizedTexts(ids: (0..<texts.count).map { batch.row($0).prefix(length).map(Int.init) },
                              lengths: batch.endOfTextPositions.map { $0 + 1 }, spans: spans)
    }

    public func checkVocabulary() throws {
        let size = transformer.configuration.vocabularySize
        if size < tokenizer.vocabularySize {
            throw ModelError.vocabularyTooSmall(vocabularySize: size, tokenID: tokenizer.vocabularySize - 1)
        }
    }

    /// The projected end-of-text state as the pooled embedding; token states after `ln_final`
    /// (unprojected, as open_clip's `output_tokens`).
    public func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        guard includingTokenStates else { return TextEncoding(pooled: transformer(tokens.ids), tokens: tokens) }
        let states = transformer.finalNorm(transformer.hiddenStates(tokens.ids))  // [batch, length, width]
        let (batch, length, width) = (states.shape[0], states.shape[1], states.shape[2])
        let rows = transformer.configuration.pooling.positions(tokens.ids).enumerated().map { $0.offset * length + $0.element }
        let pooled = Variable.gather(rowsOf: states.reshaped([batch * length, width]), indices: rows)  // [batch, width]
        return TextEncoding(pooled: transformer.project(pooled), tokenStates: states, tokens: tokens)
    }
}
