import Tensor

/// Classifier-free guidance (Ho & Salimans 2022; the seed paper's Eqs. 11 and 18): one network
/// trained with its condition sometimes dropped predicts both ε(x_t, c) and ε(x_t, ∅), and
/// sampling uses
///
///     ε̂ = w·ε(x_t, c) + (1 − w)·ε(x_t, ∅)
///
/// w = 1 is the conditional prediction alone (exactly: 1·ε_c + 0·ε_∅); w > 1 pushes samples
/// towards the condition.
public enum ClassifierFreeGuidance {
    /// ε̂ for guidance scale `scale` = w.
    public static func combine(conditional: Tensor, unconditional: Tensor, scale: Float) -> Tensor {
        precondition(conditional.shape == unconditional.shape,
                     "conditional \(conditional.shape) and unconditional \(unconditional.shape) predictions differ in shape")
        return conditional * scale + unconditional * (1 - scale)
    }
}
