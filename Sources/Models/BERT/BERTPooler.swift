import Autograd
import NN
import Tensor

/// BERT's pooler (Devlin et al. 2019, trained on next-sentence prediction): the first (`[CLS]`)
/// token's final hidden state through a dense layer and tanh.
///
///     pooled = tanh(h[CLS]·Wᵀ + b)
///
/// Parameter names are Hugging Face's: `dense.weight`, `dense.bias`.
public struct BERTPooler: Module {
    @Key("dense") public var dense: Linear

    public init(hiddenSize: Int) {
        dense = Linear(inFeatures: hiddenSize, outFeatures: hiddenSize)
    }

    /// `[batch, tokens, hiddenSize]` → `[batch, hiddenSize]`.
    public func callAsFunction(_ hiddenStates: Variable) -> Variable {
        dense(firstTokens(of: hiddenStates)).tanh()
    }
}

/// Row 0 along the token axis of `[batch, tokens, width]`, as `[batch, width]`.
func firstTokens(of hiddenStates: Variable) -> Variable {
    let (batch, width) = (hiddenStates.shape[0], hiddenStates.shape[2])
    return hiddenStates.narrowed(alongAxis: 1, start: 0, length: 1).reshaped([batch, width])  // [batch, width]
}
