import Autograd
import Models
import NN

/// EfficientNet(-Lite)'s globally average-pooled head activations (Tan & Le 2019), `[batch, 1280]`
/// for Lite0, as a training `ImageTower`. Meant to be locked (LiT, Zhai et al. 2022) and run in
/// inference mode, where its BatchNorm layers use their stored statistics. The classifier
/// (`fc.*`) is not part of the tower: it keeps a headless view of the model (the same parameters).
public struct EfficientNetImageEncoder: ImageTower {
    @Key("") public var model: EfficientNet

    public init(_ model: EfficientNet) {
        var headless = model
        headless.classifier = nil
        self.model = headless
    }

    public var featureWidth: Int { model.configuration.headChannels }

    public func features(_ images: Variable) -> Variable { model.features(images) }
}
