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

extension EfficientNet: SplitImageEncoder {
    public var splittableBlockCount: Int { blocks.count }

    /// `headFeatureMap`, globally average-pooled: `[batch, C, h, w]` → `[batch, 1280]`.
    public func suffixPooled(_ map: Variable, suffixBlocks: Int) -> Variable {
        headFeatureMap(map, suffixBlocks: suffixBlocks).globalAveragePool()  // [batch, 1280]
    }

    /// `blocks.<i>` of the last `blocks` blocks, `conv_head` and `bn1`.
    public func suffixParameterPaths(blocks count: Int) -> [String] {
        precondition((0...blocks.count).contains(count), "a suffix of \(count) blocks in \(blocks.count)")
        return (blocks.count - count..<blocks.count).map { "blocks.\($0)" } + ["conv_head", "bn1"]
    }
}
