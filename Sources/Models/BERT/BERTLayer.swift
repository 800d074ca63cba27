import Autograd
import NN
import Tensor

/// One post-LN BERT encoder block (Devlin et al. 2019; Vaswani et al. 2017):
///
///     a = LN₁(SelfAttention(x)·W_oᵀ + b_o + x)
///     y = LN₂(act(a·W_iᵀ + b_i)·W_2ᵀ + b_2 + a)
///
/// Parameter names are Hugging Face's: `attention.self.{query,key,value}`,
/// `attention.output.{dense,LayerNorm}`, `intermediate.dense`, `output.{dense,LayerNorm}`.
public struct BERTLayer: ParameterGroup {
    public let selfAttention: BERTSelfAttention
    public let attentionOutput: BERTResidualOutput
    public let intermediate: Linear
    public let output: BERTResidualOutput
    public let activation: Activation

    public init(_ configuration: BERTConfiguration) {
        let width = configuration.hiddenSize, epsilon = configuration.layerNormEpsilon
        selfAttention = BERTSelfAttention(hiddenSize: width, heads: configuration.attentionHeads)
        attentionOutput = BERTResidualOutput(inFeatures: width, hiddenSize: width, layerNormEpsilon: epsilon)
        intermediate = Linear(inFeatures: width, outFeatures: configuration.intermediateSize)
        output = BERTResidualOutput(inFeatures: configuration.intermediateSize, hiddenSize: width, layerNormEpsilon: epsilon)
        activation = configuration.hiddenActivation
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        nested("attention.self", selfAttention) + nested("attention.output", attentionOutput)
            + nested("intermediate.dense", intermediate) + nested("output", output)
    }

    /// `[batch, tokens, hiddenSize]` → `[batch, tokens, hiddenSize]`.
    public func callAsFunction(_ input: Variable, mask: Tensor?) -> Variable {
        let attended = attentionOutput(selfAttention(input, mask: mask), residual: input)  // [batch, tokens, hiddenSize]
        let expanded = activation(intermediate(attended))  // [batch, tokens, intermediateSize]
        return output(expanded, residual: attended)  // [batch, tokens, hiddenSize]
    }
}
