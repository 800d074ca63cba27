import Autograd
import NN
import Optim
import Tensor

/// One optimiser's part of a training step: its loss, its optimiser (with its parameters and
/// parameter groups), its learning-rate schedule and clipping. A `Trainer` runs its stages in
/// turn within every step on the same micro-batches, as a GAN alternates a discriminator step
/// and a generator step (Goodfellow et al. 2014; StyleGAN's phases, Karras et al. 2019): each stage
/// sees the weights the stages before it just updated. While a stage runs, the parameters that
/// only other stages update are frozen, so its backward pass neither computes nor leaves
/// gradients for them.
public struct TrainingStage<Batch> {
    /// The stage's name: the checkpoint's `optimizer.<name>.…` prefix and the `loss_<name>` metric
    /// when a trainer has several stages (letters, digits, `_` and `-`).
    public var name: String
    public var optimizer: any CheckpointableOptimizer
    public var schedule: LearningRateSchedule
    /// Clipping before this stage's step (nil: the trainer's `gradientClipping` option).
    public var gradientClipping: GradientClippingOption?
    /// The scalar loss of one micro-batch; the trainer's random state is passed along.
    public var loss: (Batch, inout SeededGenerator) throws -> Variable
    /// Runs after this stage's optimiser step (e.g. clamping a logit scale).
    public var afterStep: (() -> Void)?

    public init(name: String, optimizer: any CheckpointableOptimizer, schedule: LearningRateSchedule,
                gradientClipping: GradientClippingOption? = nil, afterStep: (() -> Void)? = nil,
                loss: @escaping (Batch, inout SeededGenerator) throws -> Variable) {
        self.name = name
        self.optimizer = optimizer
        self.schedule = schedule
        self.gradientClipping = gradientClipping
        self.afterStep = afterStep
        self.loss = loss
    }
}
