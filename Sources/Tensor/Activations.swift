import CReducedPrecision

extension Tensor {
    /// GELU with the exact Gaussian CDF, x·Φ(x) = x/2·(1 + erf(x/√2)) (Hendrycks & Gimpel 2016).
    public func gelu() -> Tensor { gelu(path: ElementwiseKernelPath.selected) }

    /// `gelu()` on a chosen kernel path (tests compare the paths).
    func gelu(path: ElementwiseKernelPath) -> Tensor {
        guard path == .avx512 else { return applying(ElementwiseFunctions.GELU.self) }
        return mapping { ck_gelu($0, $1, $2) }
    }

    /// The input gradient of `gelu()`: ∂x = ∂y·(Φ(x) + x·φ(x)), φ the standard normal density.
    public static func geluBackward(input: Tensor, outputGradient: Tensor) -> Tensor {
        geluBackward(input: input, outputGradient: outputGradient, path: ElementwiseKernelPath.selected)
    }

    /// `geluBackward(input:outputGradient:)` on a chosen kernel path (tests compare the paths).
    static func geluBackward(input: Tensor, outputGradient: Tensor, path: ElementwiseKernelPath) -> Tensor {
        precondition(input.shape == outputGradient.shape, "gradient \(outputGradient.shape) does not match input \(input.shape)")
        guard path == .avx512 else { return combining(input, outputGradient, ElementwiseFunctions.GELUBackward.self) }
        let source = input.pointer, gradient = outputGradient.pointer
        return Tensor(shape: input.shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(output.count, workPerItem: 8) { range in
                ck_gelu_backward(source + range.lowerBound, gradient + range.lowerBound, destination + range.lowerBound, range.count)
            }
        }
    }

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
