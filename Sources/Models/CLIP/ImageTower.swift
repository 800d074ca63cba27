import Autograd
import NN
import Tensor

/// CLIP's image encoder: a vision transformer or OpenAI's modified ResNet, both mapping normalised
/// images `[batch, 3, size, size]` to embeddings `[batch, outputDimension]`.
public enum ImageTower: Module {
    case visionTransformer(VisionTransformer)
    case modifiedResNet(ModifiedResNet)

    public init(_ configuration: ImageTowerConfiguration) {
        switch configuration {
        case let .visionTransformer(shape): self = .visionTransformer(VisionTransformer(shape))
        case let .modifiedResNet(shape): self = .modifiedResNet(ModifiedResNet(shape))
        }
    }

    /// The chosen tower's members, flattened into this level (a sum type cannot be reflected).
    public var registeredMembers: [(key: String, member: ModuleMember)] {
        switch self {
        case let .visionTransformer(tower): [("", .module(tower))]
        case let .modifiedResNet(tower): [("", .module(tower))]
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
