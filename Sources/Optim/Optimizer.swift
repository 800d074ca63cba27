import NN
import Tensor

/// Updates parameters from the gradients `backward()` left on them.
public protocol Optimizer: AnyObject {
    /// The parameters this optimiser updates, in a fixed order (state is kept per position).
    var parameters: [Parameter] { get }
    /// The learning rate used by the next `step()` (schedules set it before each step).
    var learningRate: Float { get set }
    /// Applies one update to every parameter that has a gradient, then clears the gradients.
    func step()
}

extension Optimizer {
    /// Forgets every accumulated gradient.
    public func clearGradients() { parameters.forEach { $0.clearGradient() } }
}
