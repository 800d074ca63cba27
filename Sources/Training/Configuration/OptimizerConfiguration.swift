import NN
import Optim

/// The optimiser of a run.
public struct OptimizerConfiguration: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Adam with L2 weight decay added to the gradient (PyTorch `Adam`, Keras `Adam`).
        case adam
        /// Adam with decoupled weight decay (Loshchilov & Hutter 2019).
        case adamW = "adamw"
        /// SGD with heavy-ball momentum.
        case sgd
    }

    /// `adam`, `adamw` or `sgd`. Default `adam`.
    public var kind: Kind
    /// Peak (or constant) learning rate. Default 1e-4, the notebook's.
    public var learningRate: Float
    /// Adam's β₁. Default 0.9.
    public var beta1: Float
    /// Adam's β₂. Default 0.999.
    public var beta2: Float
    /// Adam's ε. Default 1e-7 (Keras's; PyTorch uses 1e-8).
    public var epsilon: Float
    /// Weight decay λ. Default 0.
    public var weightDecay: Float
    /// SGD momentum. Default 0.9.
    public var momentum: Float

    public init(kind: Kind = .adam, learningRate: Float = 1e-4, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-7, weightDecay: Float = 0, momentum: Float = 0.9) {
        self.kind = kind
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
    }

    enum CodingKeys: String, CodingKey {
        case kind, learningRate = "learning_rate", beta1, beta2, epsilon, weightDecay = "weight_decay", momentum
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = OptimizerConfiguration()
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? defaults.kind
        learningRate = try container.decodeIfPresent(Float.self, forKey: .learningRate) ?? defaults.learningRate
        beta1 = try container.decodeIfPresent(Float.self, forKey: .beta1) ?? defaults.beta1
        beta2 = try container.decodeIfPresent(Float.self, forKey: .beta2) ?? defaults.beta2
        epsilon = try container.decodeIfPresent(Float.self, forKey: .epsilon) ?? defaults.epsilon
        weightDecay = try container.decodeIfPresent(Float.self, forKey: .weightDecay) ?? defaults.weightDecay
        momentum = try container.decodeIfPresent(Float.self, forKey: .momentum) ?? defaults.momentum
    }

    /// The optimiser over `parameters`.
    public func makeOptimizer(parameters: [Parameter]) -> any CheckpointableOptimizer {
        makeOptimizer(groups: [OptimizationGroup(parameters: parameters)])
    }

    /// The optimiser over parameter groups, each with its own learning-rate scale and weight decay.
    public func makeOptimizer(groups: [OptimizationGroup]) -> any CheckpointableOptimizer {
        switch kind {
        case .adam:
            Adam(groups: groups, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                 weightDecay: weightDecay, weightDecayMode: .l2)
        case .adamW:
            Adam.adamW(groups: groups, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                       weightDecay: weightDecay)
        case .sgd:
            SGD(groups: groups, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        }
    }
}

/// The learning-rate schedule of a run, as data.
public struct ScheduleConfiguration: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case constant
        /// Linear warm-up then cosine decay to `minimum` at the last step.
        case cosine
        /// × `factor` every `step_size` steps.
        case step
    }

    /// `constant`, `cosine` or `step`. Default `constant`.
    public var kind: Kind
    /// Warm-up steps of `cosine`. Default 0.
    public var warmupSteps: Int
    /// Final rate of `cosine`. Default 0.
    public var minimum: Float
    /// Period of `step`. Default 1000.
    public var stepSize: Int
    /// Factor of `step`. Default 0.1.
    public var factor: Float

    public init(kind: Kind = .constant, warmupSteps: Int = 0, minimum: Float = 0, stepSize: Int = 1000, factor: Float = 0.1) {
        self.kind = kind
        self.warmupSteps = warmupSteps
        self.minimum = minimum
        self.stepSize = stepSize
        self.factor = factor
    }

    enum CodingKeys: String, CodingKey {
        case kind, warmupSteps = "warmup_steps", minimum, stepSize = "step_size", factor
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ScheduleConfiguration()
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? defaults.kind
        warmupSteps = try container.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? defaults.warmupSteps
        minimum = try container.decodeIfPresent(Float.self, forKey: .minimum) ?? defaults.minimum
        stepSize = try container.decodeIfPresent(Int.self, forKey: .stepSize) ?? defaults.stepSize
        factor = try container.decodeIfPresent(Float.self, forKey: .factor) ?? defaults.factor
    }

    /// The schedule for a run of `totalSteps` at `learningRate`.
    public func schedule(learningRate: Float, totalSteps: Int) -> LearningRateSchedule {
        switch kind {
        case .constant: .constant(learningRate)
        case .cosine: .cosineWithWarmup(peak: learningRate, warmupSteps: warmupSteps, totalSteps: totalSteps, minimum: minimum)
        case .step: .stepDecay(initial: learningRate, stepSize: stepSize, factor: factor)
        }
    }
}
