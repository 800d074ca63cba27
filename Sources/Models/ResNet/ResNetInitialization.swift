import NN
import Tensor

extension ResNet {
    /// A model of `configuration` with torchvision's random initialisation (He et al. 2015,
    /// "Delving Deep into Rectifiers") from a seeded generator, for training from scratch:
    /// every convolution weight W ~ N(0, 2/fan_out) with fan_out = out_channels·k_h·k_w
    /// (`kaiming_normal_(mode="fan_out", nonlinearity="relu")`), BatchNorm γ = 1, β = 0 with fresh
    /// running statistics, and the classifier (if any) PyTorch's `Linear` default U(±1/√in).
    public init(configuration: ResNetConfiguration = .resnet50, generator: inout SeededGenerator) {
        self.init(configuration: configuration)
        for (_, module) in namedModules {
            if let convolution = module as? Conv2d {
                let shape = convolution.weight.value.shape  // [out, in/groups, kh, kw]
                let fanOut = Float(shape[0] * shape[2] * shape[3])
                convolution.weight.value = Tensor.randomNormal(shape, standardDeviation: (2 / fanOut).squareRoot(), generator: &generator)
            }
        }
        if let classifier {
            let initialised = Linear(inFeatures: classifier.inFeatures, outFeatures: classifier.outFeatures, generator: &generator)
            classifier.weight.value = initialised.weight.value
            classifier.bias?.value = initialised.bias!.value
        }
    }
}
