import Tensor

extension Module {
    /// Sets the number format of this module's inference products: with `.bf16` or `.int8`, every
    /// `Linear` weight and every packed attention input projection below this module gets a
    /// reduced-precision copy (`Parameter.inferenceCopy`, converted once here) that forward passes
    /// without a tape multiply through; `.fp32` drops the copies. Training is unaffected (a tape always uses
    /// the fp32 values). Returns the precision in effect: `.fp32` when the CPU lacks the
    /// requested one's kernels (`InferencePrecision.resolved` says why).
    @discardableResult
    public func setInferencePrecision(_ requested: InferencePrecision) -> InferencePrecision {
        let precision = requested.resolved.precision
        for parameter in inferenceProductWeights() {
            parameter.inferenceCopy = ReducedPrecisionWeights(parameter.value, precision: precision)
        }
        return precision
    }

    /// The matrix weights of this module's Linear layers and packed attention projections.
    func inferenceProductWeights() -> [Parameter] {
        var weights: [Parameter] = []
        for (_, module) in namedModules {
            if let linear = module as? Linear {
                weights.append(linear.weight)
            } else if let attention = module as? Attention, let packed = attention.packedWeight {
                weights.append(packed)
            }
        }
        return weights
    }
}
