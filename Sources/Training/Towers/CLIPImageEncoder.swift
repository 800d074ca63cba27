import Autograd
import Models
import NN

/// CLIP's image tower (a vision transformer or OpenAI's modified ResNet, Radford et al. 2021) as
/// a training `ImageTower`: normalised images `[batch, 3, size, size]` → the projected image
/// features `[batch, outputDimension]`, on the tape. Parameter names are the tower's own
/// (`conv1.weight`, `transformer.resblocks.<l>.…`, `proj`), so under `ContrastiveModel` they read
/// `visual.…` as in OpenCLIP. Contrastive training leaves the tower in inference mode, so a
/// modified ResNet's BatchNorm layers run with their stored statistics.
public struct CLIPImageEncoder: ImageTower {
    @Key("") public var tower: Models.ImageTower

    public init(_ tower: Models.ImageTower) {
        self.tower = tower
    }

    public var featureWidth: Int {
        switch tower {
        case let .visionTransformer(model): model.configuration.outputDimension
        case let .modifiedResNet(model): model.configuration.outputDimension
        }
    }

    public func features(_ images: Variable) -> Variable { tower(images) }

    /// The ViT's `proj`; a modified ResNet ends in its attention pool and has none.
    public var outputProjections: [Parameter] {
        if case let .visionTransformer(model) = tower { return [model.projection] }
        return []
    }
}
