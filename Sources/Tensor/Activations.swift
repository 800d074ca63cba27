extension Tensor {
    /// GELU with the exact Gaussian CDF, x·Φ(x) = x/2·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016).
    public func gelu() -> Tensor { map { 0.5 * $0 * (1 + FastMath.erf($0 * 0.707_106_781_186_547_5)) } }

    /// GELU with the tanh approximation x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
    public func geluTanh() -> Tensor {
        map { 0.5 * $0 * (1 + FastMath.tanh(0.797_884_560_802_865_4 * ($0 + 0.044_715 * $0 * $0 * $0))) }
    }

    /// QuickGELU x·σ(1.702x), the activation of OpenAI's CLIP checkpoints.
    public func quickGELU() -> Tensor { map { $0 * FastMath.sigmoid(1.702 * $0) } }

    /// max(x, 0).
    public func relu() -> Tensor { map { Swift.max($0, 0) } }

    /// min(max(x, 0), 6), as in MobileNet/EfficientNet-Lite.
    public func relu6() -> Tensor { map { Swift.min(Swift.max($0, 0), 6) } }

    /// The logistic function σ(x) = 1/(1 + e⁻ˣ).
    public func sigmoid() -> Tensor { map { FastMath.sigmoid($0) } }

    /// SiLU / swish x·σ(x).
    public func silu() -> Tensor { map { $0 * FastMath.sigmoid($0) } }
}
