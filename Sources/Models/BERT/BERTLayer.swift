import Autograd
import NN
import Tensor

/// One post-LN BERT encoder block (Devlin et al. 2019; Vaswani et al. 2017):
///
///     a = LN₁(SelfAttention(x)·W_oᵀ + b_o + x)
///     y = LN₂(act(a·W_iᵀ + b_i)·W_2ᵀ + b_2 + a)
///
/// `SelfAttention` is multi-head attention with separate projections and no output projection
/// (`Attention` with `AttentionLayout.bert`); the output projection is `attention.output.dense`.
/// Parameter names are Hugging Face's: `attention.self.{query,key,value}`,
/// `attention.output.{dense,LayerNorm}`, `intermediate.dense`, `output.{dense,LayerNorm}`.
public struct BERTLayer: Module {
    public let activation: Activation
    @Key("attention.self") public var selfAttention: Attention
    @Key("attention.output") public var attentionOutput: BERTResidualOutput
    @Key("intermediate.dense") public var intermediate: Linear
    @Key("output") public var output: BERTResidualOutput

    public init(_ configuration: BERTConfiguration) {
        let width = configuration.hiddenSize, epsilon = configuration.layerNormEpsilon
        activation = configuration.hiddenActivation
        selfAttention = Attention(width: width, heads: configuration.attentionHeads, layout: .bert)
        attentionOutput = BERTResidualOutput(inFeatures: width, hiddenSize: width, layerNormEpsilon: epsilon)
        intermediate = Linear(inFeatures: width, outFeatures: configuration.intermediateSize)
        output = BERTResidualOutput(inFeatures: configuration.intermediateSize, hiddenSize: width, layerNormEpsilon: epsilon)
    }

    /// `[batch, tokens, hiddenSize]` → `[batch, tokens, hiddenSize]`.
    public func callAsFunction(_ input: Variable, mask: Tensor?) -> Variable {
        let attended = attentionOutput(selfAttention(input, mask: mask), residual: input)  // [batch, tokens, hiddenSize]
        let expanded = activation(intermediate(attended))  // [batch, tokens, intermediateSize]
        return output(expanded, residual: attended)  // [batch, tokens, hiddenSize]
    }
}
