import Autograd
import NN
import Tensor

extension FIDInceptionV3: ImageEncoder {
    /// The 2048 pool features.
    public var embeddingWidth: Int { Self.featureWidth }
    public var inputSize: Int? { Self.inputSize }

    /// Pool features; the token states are the last block's 8×8 map.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        let map = featureMap(images)  // [batch, 2048, 8, 8]
        let pooled = map.globalAveragePool()  // [batch, 2048]
        return includingTokenStates ? ImageEncoding(pooled: pooled, featureMap: map) : ImageEncoding(pooled: pooled)
    }

    /// The batched channel-major inference path (`pooledFeatures`).
    public func embed(_ images: Tensor) -> Tensor { pooledFeatures(images) }
}
