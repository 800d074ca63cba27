/// A matrix weight converted once for reduced-precision inference products: the bf16 or int8
/// copy of a Linear weight `[outFeatures, inFeatures]` that `Tensor.linear(_:weight:bias:)`
/// multiplies through (see `InferencePrecision`).
public enum ReducedPrecisionWeights: Sendable {
    case bf16(BFloat16Weights)
    case int8(Int8Weights)

    /// `weight` converted to `precision`; nil for fp32.
    public init?(_ weight: Tensor, precision: InferencePrecision) {
        switch precision {
        case .fp32: return nil
        case .bf16: self = .bf16(BFloat16Weights(weight))
        case .int8: self = .int8(Int8Weights(weight))
        }
    }

    public var precision: InferencePrecision {
        switch self {
        case .bf16: return .bf16
        case .int8: return .int8
        }
    }

    /// `[outFeatures, inFeatures]`.
    public var shape: [Int] {
        switch self {
        case let .bf16(weights): return [weights.outFeatures, weights.inFeatures]
        case let .int8(weights): return [weights.outFeatures, weights.inFeatures]
        }
    }
}

extension Tensor {
    /// `x · Wᵀ + bias` through a reduced-precision copy of W. `[…, inFeatures]` → `[…, outFeatures]`.
    public static func linear(_ input: Tensor, weight: ReducedPrecisionWeights, bias: Tensor?) -> Tensor {
        switch weight {
        case let .bf16(weights): return linear(input, weight: weights, bias: bias)
        case let .int8(weights): return linear(input, weight: weights, bias: bias)
        }
    }

    /// The frame the bf16 and int8 products share: `input` `[…, inFeatures]`, a weight
    /// `[outFeatures, inFeatures]` (named `format` in the message) and `bias` `[outFeatures]` must
    /// fit; no rows or no outputs give an empty result and no depth gives the bias; otherwise
    /// `multiply(rows, output)` fills the `[rows, outFeatures]` output, bias included.
    static func reducedPrecisionProduct(_ input: Tensor, outFeatures: Int, inFeatures: Int, bias: Tensor?, format: String,
                                        multiply: (_ rows: Int, _ output: UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        precondition(input.rank >= 1 && input.shape.last == inFeatures && (bias == nil || bias!.count == outFeatures),
                     "linear: input \(input.shape), \(format) weight [\(outFeatures), \(inFeatures)], bias \(bias?.shape ?? []) do not fit")
        let rows = input.count / Swift.max(inFeatures, 1)
        let biases = bias?.pointer
        return Tensor(shape: Array(input.shape.dropLast()) + [outFeatures]) { output in
            let destination = output.baseAddress!
            if rows == 0 || outFeatures == 0 { return }
            if inFeatures == 0 {
                for row in 0..<rows {
                    for column in 0..<outFeatures { destination[row * outFeatures + column] = biases?[column] ?? 0 }
                }
                return
            }
            multiply(rows, destination)
        }
    }
}
