import Autograd
import Models
import NN

/// EfficientNet(-Lite)'s globally average-pooled head activations (Tan & Le 2019), `[batch, 1280]`
/// for Lite0, as a training `ImageTower`. Meant to be locked (LiT, Zhai et al. 2022): its
/// BatchNorm layers always use their stored statistics, so it is an inference-mode feature
/// extractor; the classifier (`fc.*`) is not part of the tower.
public struct EfficientNetImageEncoder: ImageTower {
    public let model: EfficientNet

    public init(_ model: EfficientNet) {
        self.model = model
    }

    public var featureWidth: Int { model.configuration.headChannels }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        model.namedParameters.filter { !$0.name.hasPrefix("fc.") }
    }

    public func features(_ images: Variable, mode: ForwardMode) -> Variable { model.features(images) }
}
