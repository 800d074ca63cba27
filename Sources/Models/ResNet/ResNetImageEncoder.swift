import Autograd
import NN
import Tensor

extension ResNet: ImageEncoder {
    /// The last stage's channel count (2048 for ResNet-50): the pooled features, not the logits.
    public var embeddingWidth: Int { configuration.featureChannels }
    public var inputSize: Int? { nil }

    /// Globally average-pooled last-stage activations; the token states are that feature map.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        let map = featureMap(images)  // [batch, 2048, height/32, width/32]
        let pooled = map.globalAveragePool()  // [batch, 2048]
        return includingTokenStates ? ImageEncoding(pooled: pooled, featureMap: map) : ImageEncoding(pooled: pooled)
    }

    /// One image at a time (see `inferImageByImage`).
    public func embed(_ images: Tensor) -> Tensor { pooledFeatures(images) }
}
