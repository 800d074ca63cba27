import Autograd
import NN
import Tensor

/// A nonlinear term beside SA-CLIP's linear map of the two regions (Eq. 7), so r_roi can combine
/// one region's appearance with its box or with the other region (a cyclist's heading with its
/// side of the road is an exclusive-or, which a map linear in r̂_subject and r̂_object cannot
/// form):
///
///     r_roi = W_roi · c + b_roi + W_2 · GELU(W_1 · c + b_1) + b_2,     c = Concat(r̂_subject, r̂_object)
///
/// W_2 and b_2 start at zero, so an untrained model equals Eq. 7 and the term grows only as far as
/// training asks (the residual-branch initialisation of Bachlechner et al. 2021, "ReZero is all
/// you need"). Keys `hidden.{weight,bias}`, `output.{weight,bias}`.
public struct RegionPairFusion: Module {
    @Key("hidden") public var hidden: Linear
    @Key("output") public var output: Linear

    /// `inputWidth` (2F) → `hiddenWidth` → `outputWidth` (r_roi's width); the hidden layer with
    /// PyTorch's default initialisation from `generator`, the output layer zero.
    public init(inputWidth: Int, hiddenWidth: Int, outputWidth: Int, generator: inout SeededGenerator) {
        hidden = Linear(inFeatures: inputWidth, outFeatures: hiddenWidth, generator: &generator)
        output = Linear(inFeatures: hiddenWidth, outFeatures: outputWidth)
    }

    /// `[B, inputWidth]` concatenated regions → `[B, outputWidth]`, the term added to Eq. 7.
    public func callAsFunction(_ regions: Variable) -> Variable {
        output(hidden(regions).gelu())  // [B, outputWidth]
    }
}
