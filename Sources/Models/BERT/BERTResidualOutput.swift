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
public struct BERTResidualOutput: Module {
    @Key("dense") public var dense: Linear
    @Key("LayerNorm") public var layerNorm: LayerNorm

    public init(inFeatures: Int, hiddenSize: Int, layerNormEpsilon: Float) {
        dense = Linear(inFeatures: inFeatures, outFeatures: hiddenSize)
        layerNorm = LayerNorm(width: hiddenSize, epsilon: layerNormEpsilon)
    }

    /// `[…, inFeatures]` and a residual `[…, hiddenSize]` → `[…, hiddenSize]`.
    public func callAsFunction(_ input: Variable, residual: Variable) -> Variable {
        layerNorm(dense(input) + residual)
    }
}
