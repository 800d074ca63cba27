import Autograd
import Tensor

extension BatchNorm2d {
    /// PyTorch's default running-statistics momentum.
    public static let defaultMomentum: Float = 0.1

    /// Training-mode forward (Ioffe & Szegedy 2015) with PyTorch's semantics: normalise with the
    /// batch's mean μ_B and biased variance σ²_B, then update the buffers
    /// running_mean ← (1 − m)·running_mean + m·μ_B,
    /// running_var ← (1 − m)·running_var + m·σ²_B·M/(M − 1) (unbiased, M elements per channel),
    /// num_batches_tracked ← num_batches_tracked + 1.
    public func training(_ input: Variable, momentum: Float = BatchNorm2d.defaultMomentum) -> Variable {
        precondition(input.shape.count >= 2 && input.shape[1] == weight.value.count,
                     "BatchNorm2d over \(weight.value.count) channels got \(input.shape)")
        let elements = input.shape[0] * input.shape[2...].reduce(1, *)
        precondition(elements > 1, "training-mode batch normalisation needs more than one value per channel, got \(input.shape)")
        let (output, mean, variance) = input.batchNormTraining(
            weight: weight.isTrainable ? weight.variable : Variable(weight.value),
            bias: bias.isTrainable ? bias.variable : Variable(bias.value), epsilon: epsilon)
        let correction = Float(elements) / Float(elements - 1)
        runningMean.value = Tensor(shape: runningMean.value.shape, scalars: zip(runningMean.value.scalars, mean).map {
            (1 - momentum) * $0 + momentum * $1
        })
        runningVariance.value = Tensor(shape: runningVariance.value.shape, scalars: zip(runningVariance.value.scalars, variance).map {
            (1 - momentum) * $0 + momentum * $1 * correction
        })
        batchesTracked.value = Tensor(shape: batchesTracked.value.shape, scalars: [batchesTracked.value.scalars[0] + 1])
        return output
    }

    /// The training- or inference-mode forward.
    public func callAsFunction(_ input: Variable, mode: ForwardMode) -> Variable {
        switch mode {
        case .training: training(input)
        case .inference: self(input)
        }
    }
}
