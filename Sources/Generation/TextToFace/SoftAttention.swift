import Autograd
import NN
import Tensor

/// Deterministic soft attention over image regions (Xu et al. 2015, "Show, Attend and Tell",
/// §4.2; the seed paper's Eqs. 5–7), with f_att the one-hidden-layer MLP of Bahdanau et al. 2015:
///
///     e_ki = w·tanh(W_a·a_i + W_h·h_{k−1} + b) + c       f_att(a_i, h_{k−1})
///     β_ki = exp(e_ki) / Σ_j exp(e_kj)                  softmax over the L regions
///     ẑ_k  = Σ_i β_ki·a_i                               the context, [batch, D]
///
/// Key names `feature_projection` (W_a, `[attention, D]`), `hidden_projection` (W_h, `[attention, n]`)
/// and `score` (w, c, `[1, attention]`). W_a·a_i does not depend on the step, so it is computed
/// once per image (`projectedFeatures`).
public struct SoftAttention: Module {
    @Key("feature_projection") public var featureProjection: Linear
    @Key("hidden_projection") public var hiddenProjection: Linear
    @Key("score") public var score: Linear

    public init(featureWidth: Int, hiddenWidth: Int, attentionWidth: Int, generator: inout SeededGenerator) {
        featureProjection = Linear(inFeatures: featureWidth, outFeatures: attentionWidth, generator: &generator)
        hiddenProjection = Linear(inFeatures: hiddenWidth, outFeatures: attentionWidth, generator: &generator)
        score = Linear(inFeatures: attentionWidth, outFeatures: 1, generator: &generator)
    }

    /// W_a·a_i + b for every region: `[batch, L, D]` → `[batch, L, attention]`.
    public func projectedFeatures(_ features: Variable) -> Variable { featureProjection(features) }

    /// The weights β_k `[batch, L]` and the context ẑ_k `[batch, D]` of regions `features`
    /// `[batch, L, D]` (with their `projected` features) for the previous hidden state `[batch, n]`.
    public func callAsFunction(features: Variable, projected: Variable, hidden: Variable) -> (weights: Variable, context: Variable) {
        let batch = features.shape[0], regions = features.shape[1]
        let query = hiddenProjection(hidden).reshaped([batch, 1, -1])           // [batch, 1, attention]
        let energies = score((projected + query).tanh()).reshaped([batch, regions])  // [batch, L]
        let weights = energies.softmax()                                        // [batch, L]
        let context = (features * weights.reshaped([batch, regions, 1])).sum(alongAxis: 1)  // [batch, D]
        return (weights, context)
    }
}
