import Autograd
import Models
import NN
import Tensor

/// torchvision's bottleneck ResNet (He et al. 2016; ResNet-50 is the fashion notebook's tower)
/// with global average pooling as a training `ImageTower`: `[batch, channels, height, width]` →
/// `[batch, 2048]` for ResNet-50. Grey images (one channel) are repeated to the three the stem
/// expects. In `.training` mode its BatchNorm layers use batch statistics and update their running
/// statistics. Keys are torchvision's without the classifier (`conv1.weight`, `layer1.0.bn1.…`).
public struct ResNetImageEncoder: ImageTower {
    @Key("") public var model: ResNet

    /// A headless view of `model` (the classifier, if any, is not part of the tower).
    public init(_ model: ResNet) {
        var headless = model
        headless.classifier = nil
        self.model = headless
    }

    public var featureWidth: Int { model.configuration.featureChannels }

    public func features(_ images: Variable) -> Variable {
        guard images.shape.count == 4, images.shape[1] == 1 else { return model.features(images) }
        let colour = Variable(Tensor(zeros: [images.shape[0], 3, images.shape[2], images.shape[3]])) + images  // [batch, 3, height, width]
        return model.features(colour)
    }
}
