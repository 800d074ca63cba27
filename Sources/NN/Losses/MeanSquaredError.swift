import Autograd
import Tensor

extension Losses {
    /// The squared error (x − y)² reduced over every element (PyTorch's `F.mse_loss`); the target
    /// may be a constant or a variable of the same shape.
    public static func meanSquaredError(prediction: Variable, target: Variable, reduction: LossReduction = .mean) -> Variable {
        precondition(prediction.shape == target.shape, "MSE of \(prediction.shape) against \(target.shape)")
        return reduced((prediction - target).squared(), reduction)
    }

    /// The terms' mean, sum or per-example sum averaged over the first axis.
    static func reduced(_ terms: Variable, _ reduction: LossReduction) -> Variable {
        switch reduction {
        case .mean: terms.mean()
        case .sum: terms.sum()
        case .batchMean: terms.sum() * (1 / Float(Swift.max(terms.shape.first ?? 1, 1)))
        }
    }
}
