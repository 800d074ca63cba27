import Autograd
import NN
import Tensor

/// The one text-encoder contract of CLIPKit: a network with its own tokenizer that maps texts to
/// one pooled embedding per text and, on request, the state of every token, with each token
/// traceable to the characters it came from (`TokenizedTexts`).
///
/// Every text tower conforms: CLIP's causal transformer with byte-level BPE (Radford et al. 2021),
/// Chinese-CLIP's RoBERTa tower, sentence-transformers models such as all-MiniLM-L6-v2 (Reimers
/// & Gurevych 2019). Training puts `encode` on the tape; retrieval calls `embed`.
public protocol TextEncoder: Module {
    /// Width of one pooled embedding.
    var embeddingWidth: Int { get }
    /// Module paths of the encoder's own output projection (CLIP's `text_projection`), which stay
    /// trainable when only projections are trained. Default: none.
    var projectionPaths: [String] { get }
    /// Token ids of `texts`, one row each, padded to the batch's longest, as the model's reference
    /// implementation tokenises them, with every token's and word's source characters when
    /// `includingSpans`. Throws when a text cannot be encoded (for example a token id beyond a
    /// test-size vocabulary).
    func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts
    /// Pooled embeddings `[batch, embeddingWidth]` (not L2-normalised) and, when
    /// `includingTokenStates`, the state of every token; differentiable.
    func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding
    /// Pooled embeddings `[texts.count, embeddingWidth]` (not L2-normalised) without a tape, at
    /// most `batchSize` texts per forward pass. Default: tokenise and encode slice by slice;
    /// encoders with a faster inference path override it.
    func embed(_ texts: [String], batchSize: Int) throws -> Tensor
    /// Throws `ModelError.vocabularyTooSmall` when some text could produce a token id the
    /// network has no embedding for (a test-size checkpoint with a full tokenizer), so training
    /// can refuse up front instead of failing mid-run. Default: no check.
    func checkVocabulary() throws
}

extension TextEncoder {
    public var projectionPaths: [String] { [] }

    public func checkVocabulary() throws {}

    /// Token ids of `texts` without spans.
    public func tokenize(_ texts: [String]) throws -> TokenizedTexts { try tokenize(texts, includingSpans: false) }

    public func embed(_ texts: [String], batchSize: Int) throws -> Tensor {
        try RowBatches.map(texts, size: batchSize, dimension: embeddingWidth) { slice in
            let tokens = try tokenize(slice)
            return GradientMode.withoutGradients { encode(tokens, includingTokenStates: false).pooled.value }
        }
    }

    /// Pooled embeddings `[texts.count, embeddingWidth]` on the tape (not L2-normalised).
    public func callAsFunction(_ texts: [String]) throws -> Variable {
        encode(try tokenize(texts), includingTokenStates: false).pooled
    }
}
