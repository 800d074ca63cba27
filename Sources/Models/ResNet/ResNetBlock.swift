import Autograd
import NN
import Tensor

/// One residual block of a `ResNet` stage: the basic two-3×3 block of ResNet-18/34 or the
/// bottleneck of ResNet-50 and deeper (He et al. 2016, "Deep Residual Learning for Image
/// Recognition", Fig. 5). A sum type: its parameters are the chosen block's, under the same keys.
public enum ResNetBlock: Module {
    case basic(ResNetBasicBlock)
    case bottleneck(ResNetBottleneck)

    public var registeredMembers: [(key: String, member: ModuleMember)] {
        switch self {
        case let .basic(block): block.registeredMembers
        case let .bottleneck(block): block.registeredMembers
        }
    }

    /// The block when it is a basic one.
    public var basic: ResNetBasicBlock? {
        if case let .basic(block) = self { return block }
        return nil
    }

    /// The block when it is a bottleneck.
    public var bottleneck: ResNetBottleneck? {
        if case let .bottleneck(block) = self { return block }
        return nil
    }

    /// `[batch, inputChannels, height, width]` → `[batch, outputChannels, ⌈height/s⌉, ⌈width/s⌉]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        switch self {
        case let .basic(block): block(input)
        case let .bottleneck(block): block(input)
        }
    }
}
