import Autograd
import NN
import Tensor

/// The projection that closes each half of a post-LN BERT block (Devlin et al. 2019; the
/// "Add & Norm" of Vaswani et al. 2017): a linear layer, the residual, then layer normalisation.
///
///     y = LN(x·Wᵀ + b + residual)
///
/// Used twice per layer under Hugging Face's names: `attention.output` after self-attention and
/// `output` after the feed-forward layer (`dense`, `LayerNorm`). Dropout is the identity.
public struct BERTResidualOutput: ParameterGroup {
    public let dense: Linear
    public let layerNorm: LayerNorm

    public init(inFeatures: Int, hiddenSize: Int, layerNormEpsilon: Float) {
        dense = Linear(inFeatures: inFeatures, outFeatures: hiddenSize)
        layerNorm = LayerNorm(width: hiddenSize, epsilon: layerNormEpsilon)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        nested("dense", dense) + nested("LayerNorm", layerNorm)
    }

    /// `[…, inFeatures]` and a residual `[…, hiddenSize]` → `[…, hiddenSize]`.
    public func callAsFunction(_ input: Variable, residual: Variable) -> Variable {
        layerNorm(dense(input) + residual)
    }
}
