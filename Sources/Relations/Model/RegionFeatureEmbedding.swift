import Autograd
import NN
import Tensor

/// LXMERT's region feature embedding (Tan & Bansal 2019, "LXMERT: Learning Cross-Modality
/// Encoder Representations from Transformers", §2.1): a region's visual feature f → linear →
/// layer norm, averaged with the box embedding so neither swamps the other,
///
///     r̂ = (LayerNorm(W_F · f + b_F) + LayerNorm(W_P · p + b_P)) / 2     (LXMERT's v_j)
///
/// the normalised form of SA-CLIP's Eq. 6 (r̂ = f_v(ROI) + Embed(box), which the paper says
/// follows LXMERT). Keys `visn_fc.{weight,bias}`, `visn_layer_norm.{weight,bias}` as in LXMERT's
/// visual feature encoder; LayerNorm ε = 1e-12 as there. The box half is `BoxEmbedding`.
public struct RegionFeatureEmbedding: Module {
    @Key("visn_fc") public var linear: Linear
    @Key("visn_layer_norm") public var normalization: LayerNorm

    /// An embedding of `width`-wide features into `width`, PyTorch's default initialisation from `generator`.
    public init(width: Int, generator: inout SeededGenerator) {
        linear = Linear(inFeatures: width, outFeatures: width, generator: &generator)
        normalization = LayerNorm(width: width, epsilon: 1e-12)
    }

    /// `[regions, width]` features and their `[regions, width]` box embeddings → `[regions, width]`.
    public func callAsFunction(_ features: Variable, boxes: Variable) -> Variable {
        (normalization(linear(features)) + boxes) * 0.5  // [regions, width]
    }
}
