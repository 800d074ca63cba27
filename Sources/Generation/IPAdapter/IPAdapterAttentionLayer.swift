import NN
import Tensor

/// The image-side key and value projections IP-Adapter adds to one cross-attention layer
/// (Ye et al. 2023, Eq. 4; the seed paper's W′_k, W′_v): K′ = c_i·W′_kᵀ, V′ = c_i·W′_vᵀ, bias-free,
/// from the cross-attention width to the layer's width. Parameter names `to_k_ip`, `to_v_ip`.
public struct IPAdapterAttentionLayer: Module {
    @Key("to_k_ip") public var keyProjection: Linear
    @Key("to_v_ip") public var valueProjection: Linear

    public init(crossAttentionWidth: Int, width: Int) {
        keyProjection = Linear(inFeatures: crossAttentionWidth, outFeatures: width, bias: false)
        valueProjection = Linear(inFeatures: crossAttentionWidth, outFeatures: width, bias: false)
    }
}
