import Autograd
import NN
import Tensor

/// The feed-forward part of a diffusion transformer block with a gated GELU (Shazeer 2020, "GLU
/// Variants Improve Transformer"; diffusers' `FeedForward` with `GEGLU`):
///
///     [a, g] = x·W₁ᵀ + b₁        (W₁ `[2·inner, width]`, split in halves)
///     y = (a ⊙ GELU(g))·W₂ᵀ + b₂
///
/// Parameter names `net.0.proj` and `net.2` (`net.1` is a parameterless dropout).
public struct GEGLUFeedForward: Module {
    public let innerWidth: Int
    @Key("net.0.proj") public var gatedProjection: Linear
    @Key("net.2") public var outputProjection: Linear

    public init(width: Int, innerWidth: Int? = nil) {
        let inner = innerWidth ?? 4 * width
        self.innerWidth = inner
        gatedProjection = Linear(inFeatures: width, outFeatures: 2 * inner)
        outputProjection = Linear(inFeatures: inner, outFeatures: width)
    }

    /// `[…, width]` → `[…, width]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        let projected = gatedProjection(input)  // [..., 2·inner]
        let axis = projected.shape.count - 1
        let value = projected.narrowed(alongAxis: axis, start: 0, length: innerWidth)  // [..., inner]
        let gate = projected.narrowed(alongAxis: axis, start: innerWidth, length: innerWidth)  // [..., inner]
        return outputProjection(value * gate.gelu())  // [..., width]
    }
}
