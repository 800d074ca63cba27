import CReducedPrecision

/// The number format of a model's matrix products at inference (its Linear and attention
/// projections). Weights are converted once when the model is loaded; activations on every call.
///
/// - `fp32`: IEEE single precision everywhere (the default, and the only training format).
/// - `bf16`: bfloat16 products with float accumulation (Kalamkar et al. 2019, "A Study of
///   BFLOAT16 for Deep Learning Training"): each factor keeps 8 exponent and 8 significand bits,
///   rounded to nearest even, and `vdpbf16ps` adds pairs of products into float sums,
///   y = Σₖ bf16(x)ₖ·bf16(W)ₖ + b. Needs AVX512_BF16 (Zen 4, Cooper Lake, Sapphire Rapids).
/// - `int8`: 8-bit products with int32 sums (`Int8Weights`): weights quantised per output
///   column once, inputs per row on every call (Jacob et al. 2018). Needs AVX512_VNNI
///   (Zen 4, Ice Lake, Cascade Lake).
public enum InferencePrecision: String, Codable, Sendable, CaseIterable {
    case fp32
    case bf16
    case int8

    /// Whether this CPU runs the precision's vector kernels.
    public var isSupported: Bool {
        switch self {
        case .fp32: return true
        case .bf16: return ck_cpu_has_avx512_bf16() != 0
        case .int8: return ck_cpu_has_avx512_vnni() != 0
        }
    }

    /// The instruction-set extension the precision's kernels need.
    var requiredExtension: String {
        switch self {
        case .fp32: return "none"
        case .bf16: return "AVX512_BF16"
        case .int8: return "AVX512_VNNI"
        }
    }

    /// The precision used on this CPU for a requested one: itself when supported, else `fp32`,
    /// with a one-line notice saying why.
    public var resolved: (precision: InferencePrecision, notice: String?) {
        if isSupported { return (self, nil) }
        return (.fp32, "note: this CPU has no \(requiredExtension); --precision \(rawValue) falls back to fp32")
    }
}
