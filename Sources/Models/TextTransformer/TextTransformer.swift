import Autograd
import NN
import Tensor

/// CLIP's text tower (Radford et al. 2021), a causal transformer over BPE tokens:
///
///     h₀ = E_token[t] + E_pos                     t: token ids, [batch, tokens]
///     h_L = transformer(h₀, causal mask)          pre-LN residual attention blocks
///     y = LN_final(h_L[end of text]) · P_text      the pooled token (see `TextPooling`), projected
///
/// Without a projection (`hasProjection` false: Hugging Face's `CLIPTextModel`, the text encoder of
/// Stable Diffusion, whose token states condition the U-Net) y is the normalised pooled token.
///
/// Only the pooled token leaves the last block, so that block computes nothing else. Parameter
/// names are OpenAI's and OpenCLIP's (`token_embedding.weight`, `positional_embedding`,
/// `transformer.resblocks.<l>.…`, `ln_final`, `text_projection`), which put the text tower at the
/// top level of the CLIP state dict.
public struct TextTransformer: Module {
    public let configuration: TextTransformerConfiguration
    @Key("token_embedding") public var tokenEmbedding: Embedding
    @Key("positional_embedding") public var positionalEmbedding: Parameter
    @Key("transformer") public var transformer: PreNormTransformer
    @Key("ln_final") public var finalNorm: LayerNorm
    @Key("text_projection") public var projection: Parameter?

    public init(_ configuration: TextTransformerConfiguration) {
        let width = configuration.width
        self.configuration = configuration
        tokenEmbedding = Embedding(vocabulary: configuration.vocabularySize, width: width)
        positionalEmbedding = Parameter(Tensor(zeros: [configuration.contextLength, width]))
        transformer = PreNormTransformer(width: width, layers: configuration.layers, heads: configuration.heads,
                                         mlpWidth: configuration.mlpWidth, activation: configuration.activation,
                                         layerNormEpsilon: configuration.layerNormEpsilon)
        finalNorm = LayerNorm(width: width, epsilon: configuration.layerNormEpsilon)
        projection = configuration.hasProjection ? Parameter(Tensor(zeros: [width, configuration.outputDimension])) : nil
    }

    /// Token ids, one row per text, all of one length ≤ `contextLength` (padded as the tokenizer
    /// pads them) → embeddings `[batch, outputDimension]` (not L2-normalised).
    public func callAsFunction(_ tokenIDs: [[Int]]) -> Variable {
        let (embedded, mask) = embeddings(tokenIDs)  // [batch, tokens, width]
        // The last block and LayerNorm act on the pooled tokens only: the other rows are never read.
        let pooled = transformer(embedded, mask: mask, keepingRows: configuration.pooling.positions(tokenIDs))  // [batch, width]
        return project(finalNorm(pooled))  // [batch, outputDimension]
    }

    /// Normalised pooled tokens `[batch, width]` times `text_projection` (unchanged without one).
    public func project(_ pooled: Variable) -> Variable {
        projection.map { Variable.matmul(pooled, $0.variable) } ?? pooled  // [batch, outputDimension]
    }

    /// The last block's output for every token, before `ln_final`: `[batch, tokens, width]`.
    public func hiddenStates(_ tokenIDs: [[Int]]) -> Variable {
        let (embedded, mask) = embeddings(tokenIDs)
        return transformer(embedded, mask: mask)  // [batch, tokens, width]
    }

    /// Token plus position embeddings `[batch, tokens, width]` and the causal mask `[tokens, tokens]`.
    func embeddings(_ tokenIDs: [[Int]]) -> (Variable, Tensor) {
        let batch = tokenIDs.count, length = tokenIDs.first?.count ?? 0
        let (vocabulary, width) = (configuration.vocabularySize, configuration.width)
        precondition(batch > 0 && length > 0 && length <= configuration.contextLength,
                     "TextTransformer expects 1 to \(configuration.contextLength) tokens per text, got \(length)")
        precondition(tokenIDs.allSatisfy { $0.count == length }, "every text of a batch must have \(length) tokens")
        let flat = tokenIDs.flatMap { $0 }
        if let bad = flat.first(where: { $0 < 0 || $0 >= vocabulary }) {
            preconditionFailure("token id \(bad) is outside the vocabulary of \(vocabulary)")
        }
        let tokens = tokenEmbedding(flat).reshaped([batch, length, width])  // [batch, tokens, width]
        let positions = positionalEmbedding.variable.narrowed(alongAxis: 0, start: 0, length: length)  // [tokens, width]
        return (tokens + positions, Tensor.causalMask(size: length))  // [batch, tokens, width]
    }
}
