import Autograd
import NN

/// An image encoder that training code can plug in anywhere an image feature is needed: the
/// backbone of the Siamese triplet network, the image side of contrastive training. Conform a
/// model with a thin adapter (`SmallConvolutionalNetwork`, `CLIPImageEncoder`,
/// `EfficientNetImageEncoder`).
public protocol ImageTower: Module {
    /// Width of the feature vector of one image.
    var featureWidth: Int { get }
    /// `[batch, channels, height, width]` → `[batch, featureWidth]`. Layers with batch statistics
    /// use and update them when the tower is in `.training` mode (`setMode(_:)`).
    func features(_ images: Variable) -> Variable
    /// The tower's own final projection weights (CLIP's `proj`), which stay trainable when
    /// `TowerLocking.projectionsOnly` freezes the rest. Default: none.
    var outputProjections: [Parameter] { get }
}

extension ImageTower {
    public var outputProjections: [Parameter] { [] }
}
