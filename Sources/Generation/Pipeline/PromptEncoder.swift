import Autograd
import Models
import Tensor
import Tokenizers

/// What turns prompts into the context a U-Net's cross-attention reads: one sequence of token
/// states per prompt, every sequence the same length (`[prompts, tokens, width]`), computed
/// without a tape (the text encoder stays frozen in every training here, as in the seed paper).
public protocol PromptEncoder {
    /// Width of a token state (the U-Net's `cross_attention_dim`).
    var contextWidth: Int { get }
    /// Token states `[prompts.count, tokens, contextWidth]`.
    func contexts(for prompts: [String]) throws -> Tensor
}

/// Stable Diffusion's text conditioning (Rombach et al. 2022): CLIP's text transformer without
/// projection, every prompt tokenised to the full context with diffusers' padding — start, text,
/// end, then the tokenizer's pad id (Stable Diffusion 1.x pads with `<|endoftext|>`) — and every
/// token's final-layer-norm state (`last_hidden_state`) as the context.
public struct CLIPPromptEncoder: PromptEncoder {
    public let transformer: TextTransformer
    public let tokenizer: CLIPTokenizer
    /// The id written after the end-of-text token.
    public let paddingID: Int

    public init(transformer: TextTransformer, tokenizer: CLIPTokenizer, paddingID: Int) {
        self.transformer = transformer
        self.tokenizer = tokenizer
        self.paddingID = paddingID
    }

    public var contextWidth: Int { transformer.configuration.width }

    /// Token ids `[prompts][contextLength]` as diffusers' pipelines make them.
    public func tokenIDs(for prompts: [String]) throws -> [[Int]] {
        let length = transformer.configuration.contextLength
        let batch = try tokenizer.tokenize(prompts, contextLength: length)
        return (0..<prompts.count).map { row in
            let end = batch.endOfTextPositions[row]
            return batch.row(row).enumerated().map { position, id in position > end ? paddingID : Int(id) }
        }
    }

    public func contexts(for prompts: [String]) throws -> Tensor {
        let ids = try tokenIDs(for: prompts)
        return GradientMode.withoutGradients { transformer.finalNorm(transformer.hiddenStates(ids)).value }  // [prompts, 77, width]
    }
}

/// Conditioning on the token states of any CLIPKit text encoder (`Models`' encoder contract, e.g.
/// all-MiniLM-L6-v2): every prompt is tokenised alone and its states padded or cut to `length`
/// tokens, so a prompt's context never depends on the other prompts of its batch. Padding
/// positions repeat the encoder's state for the pad token computed with the prompt (they are
/// part of the context, as Stable Diffusion's padded positions are).
public struct TokenStatePromptEncoder: PromptEncoder {
    public let encoder: any TextEncoder
    public let length: Int
    public let contextWidth: Int

    /// - Parameter width: the encoder's token-state width (its hidden size).
    public init(encoder: any TextEncoder, length: Int, width: Int) {
        precondition(length >= 2, "a context needs at least 2 tokens")
        self.encoder = encoder
        self.length = length
        contextWidth = width
    }

    public func contexts(for prompts: [String]) throws -> Tensor {
        let rows = try prompts.map { prompt -> Tensor in
            let tokens = try encoder.tokenize([prompt])
            let ids = tokens.ids[0]
            let padded = TokenizedTexts(ids: [Array(ids.prefix(length)) + Array(repeating: 0, count: max(0, length - ids.count))],
                                        lengths: [min(tokens.lengths[0], length)])
            let states = GradientMode.withoutGradients { encoder.encode(padded, includingTokenStates: true).tokenStates!.value }
            precondition(states.shape == [1, length, contextWidth],
                         "the text encoder's token states \(states.shape) are not [1, \(length), \(contextWidth)]")
            return states
        }
        return Tensor.concatenate(rows, alongAxis: 0)  // [prompts, length, width]
    }
}
