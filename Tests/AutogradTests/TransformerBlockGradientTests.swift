import Autograd
import Tensor
import Testing

/// A pre-LayerNorm transformer block (multi-head self-attention + GELU MLP, as in CLIP's towers)
/// written with `Variable` operations; its gradients with respect to the input and every
/// parameter match central finite differences.
@Suite struct TransformerBlockGradientTests {
    static let width = 8, heads = 2, tokens = 4, batch = 2

    /// x + Attn(LN₁(x)), then + MLP(LN₂(·)), with a causal mask.
    static func block(_ x: Variable, _ p: [Variable]) -> Variable {
        let (width, heads, tokens, batch) = (Self.width, Self.heads, Self.tokens, Self.batch)
        let headWidth = width / heads
        let normalized = x.layerNorm(weight: p[0], bias: p[1])
        let qkv = Variable.linear(normalized, weight: p[2], bias: p[3])  // [batch, tokens, 3·width]
        let parts = qkv.split(sizes: [width, width, width], alongAxis: -1).map {
            $0.reshaped([batch, tokens, heads, headWidth]).permuted([0, 2, 1, 3])  // [batch, heads, tokens, headWidth]
        }
        let attended = Variable.scaledDotProductAttention(query: parts[0], key: parts[1], value: parts[2],
                                                          mask: Tensor.causalMask(size: tokens))
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([batch, tokens, width])
        let afterAttention = x + Variable.linear(merged, weight: p[4], bias: p[5])
        let hidden = Variable.linear(afterAttention.layerNorm(weight: p[6], bias: p[7]), weight: p[8], bias: p[9]).gelu()
        return afterAttention + Variable.linear(hidden, weight: p[10], bias: p[11])
    }

    @Test func gradientsMatchFiniteDifferences() {
        let w = Self.width
        let shapes: [[Int]] = [[Self.batch, Self.tokens, w],
                               [w], [w], [3 * w, w], [3 * w], [w, w], [w], [w], [w], [4 * w, w], [4 * w], [w, 4 * w], [w]]
        var inputs = GradientCheck.inputs(shapes, seed: 11, spread: 0.5)
        inputs[1] = inputs[1] + 1  // LayerNorm scales around 1
        inputs[7] = inputs[7] + 1
        let errors = GradientCheck.relativeErrors(inputs) { variables in
            Self.block(variables[0], Array(variables.dropFirst()))
        }
        for (index, error) in errors.enumerated() {
            #expect(error <= 1e-3, "input \(index) (shape \(shapes[index])): relative error \(error)")
        }
    }
}
