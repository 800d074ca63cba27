import Autograd
import NN
import Tensor

/// LXMERT's box position embedding (Tan & Bansal 2019, "LXMERT: Learning Cross-Modality Encoder
/// Representations from Transformers", §2.1): a region's normalised corners
/// (x₁/W, y₁/H, x₂/W, y₂/H) → linear → layer norm, `Embed(Position_ROI)` of SA-CLIP's Eq. 6.
/// Keys `box_fc.{weight,bias}`, `box_layer_norm.{weight,bias}` as in LXMERT's visual feature
/// encoder; LayerNorm ε = 1e-12 as there.
public struct BoxEmbedding: Module {
    @Key("box_fc") public var linear: Linear
    @Key("box_layer_norm") public var normalization: LayerNorm

    /// An embedding of width `width`, PyTorch's default initialisation from `generator`.
    public init(width: Int, generator: inout SeededGenerator) {
        linear = Linear(inFeatures: 4, outFeatures: width, generator: &generator)
        normalization = LayerNorm(width: width, epsilon: 1e-12)
    }

    /// `[regions, 4]` normalised corners → `[regions, width]`.
    public func callAsFunction(_ corners: Variable) -> Variable {
        normalization(linear(corners))
    }
}
