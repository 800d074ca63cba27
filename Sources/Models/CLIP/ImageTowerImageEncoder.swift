import Autograd
import NN
import Tensor

extension ImageTower: ImageEncoder {
    private var encoder: any ImageEncoder {
        switch self {
        case let .visionTransformer(tower): tower
        case let .modifiedResNet(tower): tower
        }
    }

    public var embeddingWidth: Int { encoder.embeddingWidth }
    public var inputSize: Int? { encoder.inputSize }
    public var projectionPaths: [String] { encoder.projectionPaths }

    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        encoder.encode(images, includingTokenStates: includingTokenStates)
    }
}
