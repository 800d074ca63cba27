import Autograd
import Tensor

/// Group normalisation (Wu & He 2018, "Group Normalization"): the channels of `[batch, channels, …]`
/// are split into `groups` groups, each (image, group) normalised by its own mean and biased
/// variance, y = (x − μ)/√(σ² + ε)·γ_c + β_c. Independent of the batch size, so it behaves the
/// same in training and inference (the norm of diffusion U-Nets). PyTorch `GroupNorm` key names
/// `weight`, `bias` (absent when `affine` is false).
public struct GroupNorm: Module {
    public let groups: Int
    public let channels: Int
    public let epsilon: Float
    @Key("weight") public var weight: Parameter?
    @Key("bias") public var bias: Parameter?

    /// γ = 1 and β = 0, as PyTorch initialises them.
    public init(groups: Int, channels: Int, epsilon: Float = 1e-5, affine: Bool = true) {
        precondition(groups > 0 && channels % groups == 0, "\(channels) channels do not divide into \(groups) groups")
        self.groups = groups
        self.channels = channels
        self.epsilon = epsilon
        weight = affine ? Parameter(Tensor(repeating: 1, shape: [channels])) : nil
        bias = affine ? Parameter(Tensor(zeros: [channels])) : nil
    }

    /// `[batch, channels, …]` → the same shape.
    public func callAsFunction(_ input: Variable) -> Variable {
        precondition(input.shape.count >= 2 && input.shape[1] == channels, "GroupNorm over \(channels) channels got \(input.shape)")
        return input.groupNorm(groups: groups, weight: weight?.variable, bias: bias?.variable, epsilon: epsilon)
    }
}
