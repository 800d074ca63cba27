import Autograd
import Tensor

extension Variable {
    /// Rows of the last axis scaled to unit Euclidean norm, x / √(‖x‖² + ε²), differentiable
    /// (equal to `F.normalize` wherever ‖x‖ ≫ ε = 1e-12).
    public func l2NormalizedRows(epsilon: Float = 1e-12) -> Variable {
        let lastAxis = shape.count - 1
        let norm = (squared().sum(alongAxis: lastAxis, keepingDimension: true) + epsilon * epsilon).sqrt()  // [..., 1]
        return self / norm
    }
}
