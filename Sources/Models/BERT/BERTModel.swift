import Autograd
import NN
import Tensor

/// The BERT encoder (Devlin et al. 2019): embeddings, `layers` post-LN transformer blocks and an
/// optional pooler.
///
///     h₀ = BERTEmbeddings(ids, positions, types)
///     hₗ = BERTLayer(hₗ₋₁, m)   for l = 1 … L,   m = additive key-padding mask
///     pooled = tanh(h_L[CLS]·W_pᵀ + b_p)
///
/// Parameter names are Hugging Face `BertModel`'s (`embeddings.…`, `encoder.layer.<l>.…`,
/// `pooler.dense.…`); checkpoints of task models and RoBERTa-style files are adapted by
/// `BERTWeightMapping`.
public struct BERTModel: Module {
    public let configuration: BERTConfiguration
    /// What padding keys add to the attention scores.
    public let maskFill: AttentionMaskFill
    @Key("embeddings") public var embeddings: BERTEmbeddings
    @Key("encoder.layer") public var layers: [BERTLayer]
    @Key("pooler") public var pooler: BERTPooler?

    /// - Parameters:
    ///   - includesPooler: build the `[CLS]` pooler (Hugging Face's `add_pooling_layer`).
    ///   - maskFill: `.negativeInfinity` reproduces transformers' default attention; see
    ///     `AttentionMaskFill` for the others.
    public init(_ configuration: BERTConfiguration, includesPooler: Bool = true,
                maskFill: AttentionMaskFill = .negativeInfinity) {
        self.configuration = configuration
        self.maskFill = maskFill
        embeddings = BERTEmbeddings(configuration)
        layers = (0..<configuration.layers).map { _ in BERTLayer(configuration) }
        pooler = includesPooler ? BERTPooler(hiddenSize: configuration.hiddenSize) : nil
    }

    /// The final hidden states `[batch, length, hiddenSize]` and, with a pooler, the pooled
    /// output `[batch, hiddenSize]`.
    public func callAsFunction(_ input: BERTInput) -> BERTOutput {
        precondition(input.length <= configuration.maximumPositions,
                     "input of \(input.length) tokens is longer than the \(configuration.maximumPositions) positions")
        let mask = maskFill.additiveMask(attentionMask: input.attentionMask, batch: input.batch, length: input.length)
        var hidden = embeddings(input)  // [batch, length, hiddenSize]
        for layer in layers { hidden = layer(hidden, mask: mask) }
        return BERTOutput(lastHiddenState: hidden, pooledOutput: pooler.map { $0(hidden) })
    }
}

/// What `BERTModel` returns.
public struct BERTOutput {
    /// `[batch, length, hiddenSize]`, padding positions included.
    public let lastHiddenState: Variable
    /// `[batch, hiddenSize]` when the model has a pooler.
    public let pooledOutput: Variable?
}
