import Autograd
import NN

extension ModifiedResNet: ImageEncoder {
    public var embeddingWidth: Int { configuration.outputDimension }
    public var inputSize: Int? { configuration.imageSize }

    /// The attention pool's output as the pooled embedding; the token states are the last
    /// stage's feature map that the pool attends over.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        guard includingTokenStates else { return ImageEncoding(pooled: self(images)) }
        let size = configuration.imageSize
        precondition(images.shape.count == 4 && Array(images.shape[1...]) == [3, size, size],
                     "ModifiedResNet expects [batch, 3, \(size), \(size)] images, got \(images.shape)")
        let map = features(images)  // [batch, width·32, grid, grid]
        return ImageEncoding(pooled: attentionPool(map), featureMap: map)
    }
}
