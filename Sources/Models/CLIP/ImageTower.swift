import Autograd
import NN
import Tensor

/// CLIP's image encoder: a vision transformer or OpenAI's modified ResNet, both mapping normalised
/// images `[batch, 3, size, size]` to embeddings `[batch, outputDimension]`.
public enum ImageTower: ParameterGroup {
    case visionTransformer(VisionTransformer)
    case modifiedResNet(ModifiedResNet)

    public init(_ configuration: ImageTowerConfiguration) {
        switch configuration {
        case let .visionTransformer(shape): self = .visionTransformer(VisionTransformer(shape))
        case let .modifiedResNet(shape): self = .modifiedResNet(ModifiedResNet(shape))
        }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        switch self {
        case let .visionTransformer(tower): tower.namedParameters
        case let .modifiedResNet(tower): tower.namedParameters
        }
    }

    /// `[batch, 3, size, size]` → `[batch, outputDimension]` (not L2-normalised).
    public func callAsFunction(_ images: Variable) -> Variable {
        switch self {
        case let .visionTransformer(tower): tower(images)
        case let .modifiedResNet(tower): tower(images)
        }
    }
}
