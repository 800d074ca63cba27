import NN
import Tensor

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019):
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·m̂/(√v̂ + ε) with bias-corrected
/// m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ). AdamW decays weights directly (θ ← θ − η·λ·θ, decoupled);
/// plain Adam adds λθ to the gradient (L2), as PyTorch's `Adam(weight_decay=)` does.
/// Parameter groups (`OptimizationGroup`) scale η and replace λ for their parameters.
public final class Adam: Optimizer {
    public enum WeightDecayMode: String, Codable, Sendable { case decoupled, l2 }

    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    /// λ of parameters whose group sets none.
    public let weightDecay: Float
    public let weightDecayMode: WeightDecayMode
    /// The parameter groups, in order (one group of every parameter unless given).
    public let groups: [OptimizationGroup]
    private let grouped: GroupedParameters
    /// Steps taken so far (the t of the bias correction).
    public private(set) var stepCount = 0
    private var firstMoments: [Tensor?]
    private var secondMoments: [Tensor?]

    public convenience init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-8, weightDecay: Float = 0, weightDecayMode: WeightDecayMode = .l2) {
        self.init(groups: [OptimizationGroup(parameters: parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
                  epsilon: epsilon, weightDecay: weightDecay, weightDecayMode: weightDecayMode)
    }

    /// Adam over parameter groups, each with its own learning-rate scale and weight decay.
    public init(groups: [OptimizationGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, weightDecayMode: WeightDecayMode = .l2) {
        grouped = GroupedParameters(groups, defaultWeightDecay: weightDecay)
        self.groups = groups
        parameters = grouped.parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.weightDecayMode = weightDecayMode
        firstMoments = Array(repeating: nil, count: grouped.parameters.count)
        secondMoments = Array(repeating: nil, count: grouped.parameters.count)
    }

    /// AdamW: decoupled weight decay (default λ = 0.01 as in PyTorch).
    public static func adamW(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9,
                             beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, weightDecayMode: .decoupled)
    }

    /// AdamW over parameter groups.
    public static func adamW(groups: [OptimizationGroup], learningRate: Float = 1e-3, beta1: Float = 0.9,
                             beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(groups: groups, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, weightDecayMode: .decoupled)
    }

    public func step() {
        stepCount += 1
        let correction1 = 1 - pow(beta1, Float(stepCount)), correction2 = 1 - pow(beta2, Float(stepCount))
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradient else { continue }
            let update = AdamUpdate(beta1: beta1, beta2: beta2, epsilon: epsilon,
                                    learningRate: learningRate * grouped.learningRateScales[index],
                                    weightDecay: grouped.weightDecays[index], decoupled: weightDecayMode == .decoupled,
                                    correction1: correction1, correction2: correction2)
            // Taken out of the arrays so that the in-place update owns their storage.
            var first = firstMoments[index] ?? Tensor(zeros: gradient.shape)
            var second = secondMoments[index] ?? Tensor(zeros: gradient.shape)
            firstMoments[index] = nil
            secondMoments[index] = nil
            parameter.value = update.apply(value: parameter.value, gradient: gradient, first: &first, second: &second)
            firstMoments[index] = first
            secondMoments[index] = second
        }
    }

    /// Moment estimates per parameter position (for checkpoints and resume).
    public var state: (step: Int, first: [Tensor?], second: [Tensor?]) { (stepCount, firstMoments, secondMoments) }

    /// Restores moment estimates saved from `state`.
    public func restore(step: Int, first: [Tensor?], second: [Tensor?]) {
        precondition(first.count == parameters.count && second.count == parameters.count, "optimizer state does not fit")
        stepCount = step
        firstMoments = first
        secondMoments = second
    }
}

import Foundation
