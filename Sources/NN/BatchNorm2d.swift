import Autograd
import Tensor

/// Batch normalisation over channels (Ioffe & Szegedy 2015) with PyTorch's semantics and key
/// names `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`:
///
///     y = (x − μ)/√(σ² + ε)·γ + β
///
/// - `.inference` mode (the default): μ, σ² are the running statistics.
/// - `.training` mode (`setMode(.training)`): μ_B and the biased σ²_B of the batch, differentiable,
///   and the buffers move: running_mean ← (1 − m)·running_mean + m·μ_B,
///   running_var ← (1 − m)·running_var + m·σ²_B·M/(M − 1) (unbiased, M values per channel),
///   num_batches_tracked ← num_batches_tracked + 1.
public struct BatchNorm2d: ModeDependentLayer {
    /// PyTorch's default running-statistics momentum.
    public static let defaultMomentum: Float = 0.1

    public let epsilon: Float
    /// m of the running-statistics update.
    public let momentum: Float
    public let modeState: ModeState
    @Key("weight") public var weight: Parameter
    @Key("bias") public var bias: Parameter
    @Key("running_mean") public var runningMean: Parameter
    @Key("running_var") public var runningVariance: Parameter
    @Key("num_batches_tracked") public var batchesTracked: Parameter

    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = BatchNorm2d.defaultMomentum) {
        self.epsilon = epsilon
        self.momentum = momentum
        modeState = ModeState()
        weight = Parameter(Tensor(repeating: 1, shape: [channels]))
        bias = Parameter(Tensor(zeros: [channels]))
        runningMean = Parameter(buffer: Tensor(zeros: [channels]))
        runningVariance = Parameter(buffer: Tensor(repeating: 1, shape: [channels]))
        batchesTracked = Parameter(buffer: Tensor(zeros: []))
    }

    /// `[batch, channels, …]` → the same shape, normalised as the layer's mode says.
    public func callAsFunction(_ input: Variable) -> Variable {
        callAsFunction(input, rectified: false)
    }

    /// The normalisation followed by a ReLU when `rectified`: in training mode one fused operation
    /// (`Variable.batchNormTraining(rectified:)`), in inference mode `.relu()` on the affine map.
    public func callAsFunction(_ input: Variable, rectified: Bool) -> Variable {
        switch modeState.mode {
        case .training:
            return trainingForward(input, rectified: rectified)
        case .inference:
            let normalized = input.batchNorm(runningMean: runningMean.value, runningVariance: runningVariance.value,
                                             weight: weight.variable, bias: bias.variable, epsilon: epsilon)
            return rectified ? normalized.relu() : normalized
        }
    }

    /// Batch statistics, then the running-statistics update.
    private func trainingForward(_ input: Variable, rectified: Bool) -> Variable {
        precondition(input.shape.count >= 2 && input.shape[1] == weight.value.count,
                     "BatchNorm2d over \(weight.value.count) channels got \(input.shape)")
        let elements = input.shape[0] * input.shape[2...].reduce(1, *)
        precondition(elements > 1, "training-mode batch normalisation needs more than one value per channel, got \(input.shape)")
        let (output, mean, variance) = input.batchNormTraining(weight: weight.variable, bias: bias.variable, epsilon: epsilon,
                                                                      rectified: rectified)
        let correction = Float(elements) / Float(elements - 1)
        let momentum = momentum
        runningMean.value = Tensor(shape: runningMean.value.shape, scalars: zip(runningMean.value.scalars, mean).map {
            (1 - momentum) * $0 + momentum * $1
        })
        runningVariance.value = Tensor(shape: runningVariance.value.shape, scalars: zip(runningVariance.value.scalars, variance).map {
            (1 - momentum) * $0 + momentum * $1 * correction
        })
        batchesTracked.value = Tensor(shape: batchesTracked.value.shape, scalars: [batchesTracked.value.scalars[0] + 1])
        return output
    }
}
