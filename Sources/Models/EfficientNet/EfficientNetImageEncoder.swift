import Autograd
import NN
import Tensor

extension EfficientNet: ImageEncoder {
    /// The head's channel count (1280 for Lite0): the pooled features, not the class logits.
    public var embeddingWidth: Int { configuration.featureChannels }
    public var inputSize: Int? { nil }

    /// Globally average-pooled head activations; the token states are the head's feature map.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        let map = featureMap(images)  // [batch, 1280, ⌈height/32⌉, ⌈width/32⌉]
        let pooled = map.globalAveragePool()  // [batch, 1280]
        return includingTokenStates ? ImageEncoding(pooled: pooled, featureMap: map) : ImageEncoding(pooled: pooled)
    }

    /// One image at a time (see `inferImageByImage`).
    public func embed(_ images: Tensor) -> Tensor { pooledFeatures(images) }
}
