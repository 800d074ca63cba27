import NN
import Tensor

/// Stochastic gradient descent with optional momentum (heavy ball, as PyTorch's `SGD`:
/// v ← μ·v + g, θ ← θ − η·v) and L2 weight decay added to the gradient. Parameter groups
/// (`OptimizationGroup`) scale η and replace λ for their parameters.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    /// λ of parameters whose group sets none.
    public let weightDecay: Float
    /// The parameter groups, in order (one group of every parameter unless given).
    public let groups: [OptimizationGroup]
    private let grouped: GroupedParameters
    private var velocities: [Tensor?]

    public convenience init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.init(groups: [OptimizationGroup(parameters: parameters)], learningRate: learningRate, momentum: momentum,
                  weightDecay: weightDecay)
    }

    /// SGD over parameter groups, each with its own learning-rate scale and weight decay.
    public init(groups: [OptimizationGroup], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        grouped = GroupedParameters(groups, defaultWeightDecay: weightDecay)
        self.groups = groups
        parameters = grouped.parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocities = Array(repeating: nil, count: grouped.parameters.count)
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard var gradient = parameter.gradient else { continue }
            let learningRate = self.learningRate * grouped.learningRateScales[index], weightDecay = grouped.weightDecays[index]
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
