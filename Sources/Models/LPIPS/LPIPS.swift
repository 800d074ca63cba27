import Autograd
import NN
import Tensor

/// Learned Perceptual Image Patch Similarity, v0.1 (Zhang et al. 2018, "The Unreasonable
/// Effectiveness of Deep Features as a Perceptual Metric"; the text-to-face paper's Eq. 12), as the
/// `lpips` 0.1.4 package computes it:
///
///     x̃ = (x − shift)/scale,  x ∈ [−1, 1]^{3×H×W}, shift = (−.030, −.088, −.188), scale = (.458, .448, .450)
///     y_l = the l-th ReLU stage of AlexNet or VGG16 on x̃ (`LPIPSBackbone`)
///     ŷ_l = y_l / (‖y_l‖₂ over channels + 10⁻¹⁰)
///     d(x₀, x₁) = Σ_l 1/(H_l W_l) Σ_{h,w} Σ_c w_{l,c} (ŷ⁰_{l,chw} − ŷ¹_{l,chw})²
///
/// with the learned non-negative weights w_l of `lin<l>` (`LPIPSLinearLayer`). Keys: `net.<i>.*`
/// (backbone convolutions), `lin0` … `lin4`. The distance is differentiable (a perceptual loss).
public struct LPIPS: Module {
    /// The v0.1 scaling layer's shift and scale.
    public static let shift: [Float] = [-0.030, -0.088, -0.188]
    public static let scale: [Float] = [0.458, 0.448, 0.450]
    /// The ε of the channel normalisation.
    public static let epsilon: Float = 1e-10

    @Key("net") public var backbone: LPIPSBackbone
    @Key("lin", numberedFrom: 0) public var linearLayers: [LPIPSLinearLayer]

    /// A network with zero weights; load weights before use (`init(linearLayers:backbone:)`).
    public init(_ kind: LPIPSBackbone.Kind) {
        backbone = LPIPSBackbone(kind)
        linearLayers = backbone.stageWidths.map { LPIPSLinearLayer(width: $0) }
    }

    /// The distance of each pair: images `[batch, 3, height, width]` in [−1, 1] → `[batch]`.
    public func callAsFunction(_ first: Variable, _ second: Variable) -> Variable {
        precondition(first.shape == second.shape && first.shape.count == 4 && first.shape[1] == 3,
                     "LPIPS compares two [batch, 3, height, width] batches of one shape, got \(first.shape) and \(second.shape)")
        let batch = first.shape[0]
        let features = normalizedFeatures(Variable.concatenate([first, second], alongAxis: 0))  // five [2·batch, width, h, w]
        let parts = features.map { $0.split(sizes: [batch, batch], alongAxis: 0) }
        return distance(parts.map { $0[0] }, parts.map { $0[1] })
    }

    /// ŷ_l of every layer: `[batch, 3, height, width]` in [−1, 1] → five `[batch, width_l, h_l, w_l]`,
    /// each position's channel vector of unit length. Computed once per image, they give the
    /// distance of any pair (`distance(_:_:)`), as a set's diversity needs.
    public func normalizedFeatures(_ images: Variable) -> [Variable] {
        backbone(Self.scaled(images)).map(Self.channelNormalized)
    }

    /// Σ_l mean_{h,w} Σ_c w_{l,c}(ŷ⁰ − ŷ¹)² of two batches of `normalizedFeatures` of one shape → `[batch]`.
    public func distance(_ first: [Variable], _ second: [Variable]) -> Variable {
        precondition(first.count == linearLayers.count && second.count == linearLayers.count, "one feature map per LPIPS layer")
        var total: Variable?
        for (layer, (a, b)) in zip(linearLayers, zip(first, second)) {
            let batch = a.shape[0]
            let weighted = layer((a - b).squared())                                  // [batch, 1, h, w]
            let spatialMean = weighted.reshaped([batch, -1]).mean(alongAxis: 1)      // [batch]
            total = total.map { $0 + spatialMean } ?? spatialMean
        }
        return total!
    }

    // `distances(_:_:)`, the batched inference path, is in LPIPSInference.swift.

    /// The v0.1 scaling layer: (x − shift)/scale per channel.
    static func scaled(_ images: Variable) -> Variable {
        let shift = Variable(Tensor(shape: [1, 3, 1, 1], scalars: shift))
        let scale = Variable(Tensor(shape: [1, 3, 1, 1], scalars: scale))
        return (images - shift) / scale  // [batch, 3, height, width]
    }

    /// y / (‖y‖₂ over axis 1 + ε).
    static func channelNormalized(_ features: Variable) -> Variable {
        let norm = features.squared().sum(alongAxis: 1, keepingDimension: true).sqrt()  // [batch, 1, h, w]
        return features / (norm + epsilon)
    }
}
