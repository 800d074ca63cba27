import NN
import Tensor

/// Stochastic gradient descent with optional momentum (heavy ball, as PyTorch's `SGD`:
/// v ← μ·v + g, θ ← θ − η·v) and L2 weight decay added to the gradient.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    private var velocities: [Tensor?]

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocities = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard var gradient = parameter.gradient else { continue }
            if weightDecay != 0 { gradient = gradient + parameter.value * weightDecay }
            if momentum != 0 {
                let velocity = velocities[index].map { $0 * momentum + gradient } ?? gradient
                velocities[index] = velocity
                gradient = velocity
            }
            parameter.value = parameter.value - gradient * learningRate
        }
    }

    /// Velocity per parameter position (for checkpoints and resume); nil before a parameter's first step.
    public var state: [Tensor?] { velocities }

    /// Restores velocities saved from `state`.
    public func restore(velocities: [Tensor?]) {
        precondition(velocities.count == parameters.count, "optimizer state does not fit")
        self.velocities = velocities
    }
}
