import NN

/// A set of parameters that one optimiser updates with its own learning rate and weight decay
/// (PyTorch's `param_groups`; timm's `lr_scale`): for example no weight decay on biases and
/// norms, a 0.1× rate for a pretrained tower, or StyleGAN's 0.01× rate for the mapping network.
/// A group's learning rate is `learningRateScale` × the optimiser's learning rate, so a schedule
/// that sets the optimiser's rate moves every group together.
public struct OptimizationGroup {
    public var parameters: [Parameter]
    /// This group's rate relative to the optimiser's. Default 1.
    public var learningRateScale: Float
    /// This group's weight decay λ (nil: the optimiser's).
    public var weightDecay: Float?

    public init(parameters: [Parameter], learningRateScale: Float = 1, weightDecay: Float? = nil) {
        precondition(learningRateScale >= 0, "a learning-rate scale must not be negative, got \(learningRateScale)")
        self.parameters = parameters
        self.learningRateScale = learningRateScale
        self.weightDecay = weightDecay
    }
}

/// Per parameter position: the flattened parameters with their group's rate scale and decay.
struct GroupedParameters {
    let parameters: [Parameter]
    let learningRateScales: [Float]
    let weightDecays: [Float]

    init(_ groups: [OptimizationGroup], defaultWeightDecay: Float) {
        parameters = groups.flatMap(\.parameters)
        learningRateScales = groups.flatMap { group in group.parameters.map { _ in group.learningRateScale } }
        weightDecays = groups.flatMap { group in group.parameters.map { _ in group.weightDecay ?? defaultWeightDecay } }
        var owners: [ObjectIdentifier: Int] = [:]
        for (index, group) in groups.enumerated() {
            for parameter in group.parameters {
                let owner = owners[ObjectIdentifier(parameter), default: index]
                precondition(owner == index, "a parameter is in optimisation groups \(owner) and \(index)")
                owners[ObjectIdentifier(parameter)] = index
            }
        }
    }
}
