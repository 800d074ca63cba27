import Tensor

/// How far a result may be from its reference, judged on max |Δ| = max |actual − reference| and
/// the reference's largest magnitude max |ref|. Each case is one formula, evaluated exactly as
/// written (the same Float operations in the same order), so a suite that moves to it keeps the
/// bar it had.
public enum Tolerance: Sendable, CustomStringConvertible {
    /// max |Δ| ≤ bound · max(1, max |ref|): an absolute bound for references within [−1, 1], a
    /// relative one for larger ones (the PyTorch-parity bar of the layer and operation suites).
    case scaledAboveOne(Float)
    /// max |Δ| / max(max |ref|, floor) ≤ bound: relative to the reference's largest magnitude; `floor`
    /// only keeps an all-zero reference from dividing by zero.
    case relative(Float, floor: Float)

    /// Whether a largest difference `difference` is acceptable for a reference whose largest
    /// magnitude is `referenceMaximum`.
    public func accepts(difference: Float, referenceMaximum: Float) -> Bool {
        switch self {
        case .scaledAboveOne(let bound):
            return difference <= bound * max(1, referenceMaximum)
        case let .relative(bound, floor):
            return difference / max(referenceMaximum, floor) <= bound
        }
    }

    /// Whether `actual` is within this tolerance of `reference` (same shapes).
    public func accepts(_ actual: Tensor, _ reference: Tensor) -> Bool {
        accepts(difference: actual.maxAbsoluteDifference(reference), referenceMaximum: reference.abs().max())
    }

    public var description: String {
        switch self {
        case .scaledAboveOne(let bound): return "max |Δ| ≤ \(bound) · max(1, max |ref|)"
        case let .relative(bound, floor): return "max |Δ| / max(max |ref|, \(floor)) ≤ \(bound)"
        }
    }
}
