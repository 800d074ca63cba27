import Autograd

/// What a `TextEncoder` returns for a batch of texts: the pooled embedding and, when asked for,
/// every token's state.
public struct TextEncoding {
    /// `[batch, embeddingWidth]`, not L2-normalised.
    public let pooled: Variable
    /// `[batch, length, tokenWidth]`: the last layer's state of every token of `tokens` (padding
    /// included; `tokens.lengths` says where each row's real tokens end), or nil.
    public let tokenStates: Variable?
    /// The tokenisation the states belong to.
    public let tokens: TokenizedTexts

    public init(pooled: Variable, tokenStates: Variable? = nil, tokens: TokenizedTexts) {
        if let tokenStates {
            precondition(tokenStates.shape.count == 3 && tokenStates.shape[0] == tokens.count && tokenStates.shape[1] == tokens.length,
                         "token states \(tokenStates.shape) do not match \(tokens.count) rows of \(tokens.length) tokens")
        }
        self.pooled = pooled
        self.tokenStates = tokenStates
        self.tokens = tokens
    }
}
