import Autograd
import Tensor

/// Multi-head attention with PyTorch `nn.MultiheadAttention`'s parameters, as OpenAI's and
/// OpenCLIP's checkpoints store them: `in_proj_weight` `[3·width, width]` (query, key, value
/// stacked), `in_proj_bias`, `out_proj.weight`, `out_proj.bias` (Vaswani et al. 2017).
public struct MultiheadAttention: ParameterGroup {
    public let inputProjectionWeight: Parameter
    public let inputProjectionBias: Parameter
    public let outputProjection: Linear
    public let heads: Int

    public init(width: Int, heads: Int) {
        precondition(width % heads == 0, "width \(width) is not divisible by \(heads) heads")
        inputProjectionWeight = Parameter(Tensor(zeros: [3 * width, width]))
        inputProjectionBias = Parameter(Tensor(zeros: [3 * width]))
        outputProjection = Linear(inFeatures: width, outFeatures: width)
        self.heads = heads
    }

    public var width: Int { outputProjection.outFeatures }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("in_proj_weight", inputProjectionWeight), ("in_proj_bias", inputProjectionBias)]
            + nested("out_proj", outputProjection)
    }

    /// Self-attention over `[batch, tokens, width]` with an optional additive mask broadcastable
    /// to `[batch, heads, tokens, tokens]`.
    public func callAsFunction(_ input: Variable, mask: Tensor? = nil) -> Variable {
        let (batch, tokens) = (input.shape[0], input.shape[1])
        let headWidth = width / heads
        let packed = Variable.linear(input, weight: inputProjectionWeight.variable, bias: inputProjectionBias.variable)
        let split = packed.reshaped([batch, tokens, 3, heads, headWidth]).permuted([2, 0, 3, 1, 4])  // [3, batch, heads, tokens, headWidth]
        let parts = split.split(sizes: [1, 1, 1], alongAxis: 0).map { $0.reshaped([batch, heads, tokens, headWidth]) }
        let attended = Variable.scaledDotProductAttention(query: parts[0], key: parts[1], value: parts[2], mask: mask)
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([batch, tokens, width])  // [batch, tokens, width]
        return outputProjection(merged)
    }
}
