import Tensor

extension Variable {
    /// op(A)·op(B) (see `Tensor.matmul`). For C = A·B: ∂A = ∂C·Bᵀ, ∂B = Aᵀ·∂C, with the
    /// transposes folded into the BLAS calls and a shared `b` summed over the batch.
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let result = Tensor.matmul(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
        return Variable(result, operation: "matmul", inputs: [a, b]) { gradient in
            var gradientA: Tensor?, gradientB: Tensor?
            if a.requiresGradient {
                precondition(!(transposeA && b.value.rank == 2 && a.value.rank > 2),
                             "matmul with a shared B and transposed A has no backward rule")
                gradientA = transposeA
                    ? Tensor.matmul(b.value, gradient, transposeA: transposeB, transposeB: true)   // (op(B)·∂Cᵀ)
                    : Tensor.matmul(gradient, b.value, transposeB: !transposeB)                    // ∂C·op(B)ᵀ
            }
            if b.requiresGradient {
                if b.value.rank == 2 && a.value.rank > 2 {
                    // Shared B: flatten the batch into rows, then one product.
                    let rowsA = a.value.reshaped([-1, a.shape[a.shape.count - 1]])
                    let rowsGradient = gradient.reshaped([-1, gradient.shape[gradient.shape.count - 1]])
                    gradientB = transposeB
                        ? Tensor.matmul(rowsGradient, rowsA, transposeA: true)   // ∂Cᵀ·A
                        : Tensor.matmul(rowsA, rowsGradient, transposeA: true)   // Aᵀ·∂C
                } else {
                    gradientB = transposeB
                        ? Tensor.matmul(gradient, a.value, transposeA: true, transposeB: transposeA)
                        : Tensor.matmul(a.value, gradient, transposeA: !transposeA)
                }
            }
            return [gradientA, gradientB]
        }
    }

    /// x·Wᵀ + b with PyTorch's Linear layout (`weight` is `[outFeatures, inFeatures]`), forward
    /// through the fused `Tensor.linear`. ∂x = ∂y·W, ∂W = ∂yᵀ·x and ∂b = Σ ∂y over all rows.
    public static func linear(_ input: Variable, weight: Variable, bias: Variable?) -> Variable {
        let output = Tensor.linear(input.value, weight: weight.value, bias: bias?.value)
        var inputs = [input, weight]
        if let bias { inputs.append(bias) }
        return Variable(output, operation: "linear", inputs: inputs) { gradient in
            let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
            let rowsGradient = gradient.reshaped([-1, outFeatures])
            var result: [Tensor?] = [
                input.requiresGradient ? Tensor.matmul(gradient, weight.value) : nil,
                weight.requiresGradient
                    ? Tensor.matmul(rowsGradient, input.value.reshaped([-1, inFeatures]), transposeA: true) : nil,
            ]
            if let bias { result.append(bias.requiresGradient ? rowsGradient.sum(alongAxis: 0).reshaped(bias.shape) : nil) }
            return result
        }
    }
}
