import Autograd
import NN
import Tensor

/// A stack of pre-LayerNorm residual attention blocks, CLIP's `transformer` module
/// (Radford et al. 2021): x ← blockₗ(x) for l = 0 … layers−1, parameters under `resblocks.<l>.`.
public struct PreNormTransformer: Module {
    @Key("resblocks") public var blocks: [ResidualAttentionBlock]

    public init(width: Int, layers: Int, heads: Int, mlpWidth: Int, activation: Activation, layerNormEpsilon: Float = 1e-5) {
        blocks = (0..<layers).map { _ in
            ResidualAttentionBlock(width: width, heads: heads, mlpWidth: mlpWidth, activation: activation,
                                   layerNormEpsilon: layerNormEpsilon)
        }
    }

    /// `[batch, tokens, width]` → `[batch, tokens, width]`.
    public func callAsFunction(_ input: Variable, mask: Tensor? = nil) -> Variable {
        blocks.reduce(input) { hidden, block in block(hidden, mask: mask) }
    }

    /// The last block's output at one token per sequence (`rows[b]` of sequence b), `[batch, width]`:
    /// every block but the last runs on all tokens, the last only where it is read.
    public func callAsFunction(_ input: Variable, mask: Tensor? = nil, keepingRows rows: [Int]) -> Variable {
        guard let last = blocks.last else {
            let (batch, tokens, width) = (input.shape[0], input.shape[1], input.shape[2])
            let flatRows = rows.enumerated().map { $0.offset * tokens + $0.element }
            return Variable.gather(rowsOf: input.reshaped([batch * tokens, width]), indices: flatRows)  // [batch, width]
        }
        let hidden = blocks.dropLast().reduce(input) { hidden, block in block(hidden, mask: mask) }  // [batch, tokens, width]
        return last(hidden, mask: mask, keepingRows: rows)  // [batch, width]
    }
}
