import Tensor

/// The norm-wise relative error ‖actual − expected‖₂ / ‖expected‖₂ of two same-shaped tensors,
/// summed in Float in element order. The squared reference norm is taken as at least 1e-30, so an
/// all-zero reference divides by that instead of by zero.
public func euclideanRelativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    precondition(actual.shape == expected.shape, "shapes \(actual.shape) and \(expected.shape) differ")
    let difference = zip(actual.scalars, expected.scalars).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let norm = expected.scalars.reduce(Float(0)) { $0 + $1 * $1 }
    return (difference / max(norm, 1e-30)).squareRoot()
}
