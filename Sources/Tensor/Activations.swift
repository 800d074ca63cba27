extension Tensor {
    /// GELU with the exact Gaussian CDF, x·Φ(x) = x/2·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016).
    public func gelu() -> Tensor { applying(ElementwiseFunctions.GELU.self) }

    /// GELU with the tanh approximation x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
    public func geluTanh() -> Tensor { applying(ElementwiseFunctions.GELUTanh.self) }

    /// QuickGELU x·σ(1.702x), the activation of OpenAI's CLIP checkpoints.
    public func quickGELU() -> Tensor { applying(ElementwiseFunctions.QuickGELU.self) }

    /// max(x, 0).
    public func relu() -> Tensor { applying(ElementwiseFunctions.ReLU.self) }

    /// min(max(x, 0), 6), as in MobileNet/EfficientNet-Lite.
    public func relu6() -> Tensor { applying(ElementwiseFunctions.ReLU6.self) }

    /// The logistic function σ(x) = 1/(1 + e⁻ˣ).
    public func sigmoid() -> Tensor { applying(ElementwiseFunctions.Sigmoid.self) }

    /// SiLU / swish x·σ(x).
    public func silu() -> Tensor { applying(ElementwiseFunctions.SiLU.self) }
}
