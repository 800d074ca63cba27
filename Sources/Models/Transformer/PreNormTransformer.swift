import Autograd
import NN
import Tensor

/// A stack of pre-LayerNorm residual attention blocks, CLIP's `transformer` module
/// (Radford et al. 2021): x ← blockₗ(x) for l = 0 … layers−1, parameters under `resblocks.<l>.`.
public struct PreNormTransformer: ParameterGroup {
    public let blocks: [ResidualAttentionBlock]

    public init(width: Int, layers: Int, heads: Int, mlpWidth: Int, activation: Activation, layerNormEpsilon: Float = 1e-5) {
        blocks = (0..<layers).map { _ in
            ResidualAttentionBlock(width: width, heads: heads, mlpWidth: mlpWidth, activation: activation,
                                   layerNormEpsilon: layerNormEpsilon)
        }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { nested("resblocks", blocks) }

    /// `[batch, tokens, width]` → `[batch, tokens, width]`.
    public func callAsFunction(_ input: Variable, mask: Tensor? = nil) -> Variable {
        blocks.reduce(input) { hidden, block in block(hidden, mask: mask) }
    }
}
