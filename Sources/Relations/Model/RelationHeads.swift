import Autograd
import Foundation
import NN
import Tensor

/// The layers SA-CLIP adds on top of an image and a text encoder (Li, Shao, Rajapaksha & Crespi
/// 2025, "SA-CLIP: Language Guided Image Spatial and Action Feature Learning", Eqs. 1–8):
///
///     r̂_svo = Mean(r_s, r_v, r_o)                 r_k = mean of the token states of phrase k   (Eqs. 2–3)
///     r_svo = W_svo · r̂_svo + b_svo                                                             (Eq. 4)
///     u     = Concat(n(P_t · Pool(r_sent)), n(r_svo)) / √2                                      (Eq. 5)
///     r̂_k   = f_v(ROI_k) + Embed(box_k),  k ∈ {subject, object}                                 (Eq. 6)
///           or (LN(W_F · f_v(ROI_k) + b_F) + Embed(box_k)) / 2 with `normalizesRegionFeatures`
///           (LXMERT's form, which Eq. 6 cites: `RegionFeatureEmbedding`)
///     r_roi = W_roi · Concat(r̂_subject, r̂_object) + b_roi                                       (Eq. 7)
///           + W_2 · GELU(W_1 · Concat(r̂_subject, r̂_object) + b_1) + b_2 with `fusesRegionsNonlinearly`
///           (`RegionPairFusion`, not in the paper; W_2, b_2 start at zero)
///     v     = Concat(n(P_i · f_v(image)), n(r_roi)) / √2                                        (Eq. 8)
///
/// with n(·) L2 normalisation, so each half of u and v is a unit vector and u, v are unit
/// vectors (the paper leaves the scale open; equal halves keep the sentence and the relation
/// equally weighted). P_t, P_i are bias-free projections into a shared width when the encoders'
/// widths differ (as LiT's heads; none for a CLIP checkpoint, whose pooled outputs already share
/// a space). Two regions enter Eq. 7 concatenated in subject–object order, so the relation's
/// direction survives (a mean of the two would give "A left of B" and "B left of A" the same
/// features). Embed is LXMERT's box embedding (`BoxEmbedding`). Without relation features
/// (`usesRelationFeatures` false) u and v are the normalised pooled embeddings alone: a plain
/// dual encoder, the baseline.
public struct RelationHeads: Module {
    public let usesRelationFeatures: Bool
    @Key("image_projection") public var imageProjection: Linear?
    @Key("text_projection") public var textProjection: Linear?
    @Key("svo_projection") public var svoProjection: Linear?
    @Key("roi_projection") public var roiProjection: Linear?
    @Key("box_embedding") public var boxEmbedding: BoxEmbedding?
    @Key("region_embedding") public var regionEmbedding: RegionFeatureEmbedding?
    @Key("roi_fusion") public var roiFusion: RegionPairFusion?

    /// Heads for image features of width `imageWidth` (pooled and per region), pooled text of
    /// width `textWidth` and token states of width `tokenWidth`. Projections into
    /// `embeddingWidth` are added when it is given (needed when the widths differ); the relation
    /// parts are `relationWidth` wide; `normalizesRegionFeatures` embeds region features LXMERT's
    /// way before the box is added; `fusesRegionsNonlinearly` adds `RegionPairFusion` (hidden width
    /// `relationWidth`) beside Eq. 7. PyTorch's default initialisation from `generator` (the
    /// fusion drawn last, so the other layers start as without it).
    public init(imageWidth: Int, textWidth: Int, tokenWidth: Int, embeddingWidth: Int?, relationWidth: Int,
                usesRelationFeatures: Bool, normalizesRegionFeatures: Bool = false, fusesRegionsNonlinearly: Bool = false,
                generator: inout SeededGenerator) {
        self.usesRelationFeatures = usesRelationFeatures
        if let embeddingWidth {
            imageProjection = Linear(inFeatures: imageWidth, outFeatures: embeddingWidth, bias: false, generator: &generator)
            textProjection = Linear(inFeatures: textWidth, outFeatures: embeddingWidth, bias: false, generator: &generator)
        } else {
            precondition(imageWidth == textWidth, "image (\(imageWidth)) and text (\(textWidth)) features need projections")
            imageProjection = nil
            textProjection = nil
        }
        if usesRelationFeatures {
            svoProjection = Linear(inFeatures: tokenWidth, outFeatures: relationWidth, generator: &generator)
            roiProjection = Linear(inFeatures: 2 * imageWidth, outFeatures: relationWidth, generator: &generator)
            boxEmbedding = BoxEmbedding(width: imageWidth, generator: &generator)
            regionEmbedding = normalizesRegionFeatures ? RegionFeatureEmbedding(width: imageWidth, generator: &generator) : nil
            roiFusion = fusesRegionsNonlinearly
                ? RegionPairFusion(inputWidth: 2 * imageWidth, hiddenWidth: relationWidth, outputWidth: relationWidth, generator: &generator) : nil
        } else {
            svoProjection = nil
            roiProjection = nil
            boxEmbedding = nil
            regionEmbedding = nil
            roiFusion = nil
        }
    }

    static let halfScale = Float(1 / 2.0.squareRoot())

    /// u of Eq. 5 from the text encoder's pooled output `[B, textWidth]`, its token states
    /// `[B, L, tokenWidth]` and the triple pooling matrix `[B, B·L]` (`TriplePooling`).
    public func text(pooled: Variable, tokenStates: Variable?, pooling: Tensor?) -> Variable {
        let sentence = (textProjection.map { $0(pooled) } ?? pooled).l2NormalizedRows()  // [B, D]
        guard usesRelationFeatures else { return sentence }
        guard let tokenStates, let pooling, let svoProjection else { preconditionFailure("relation features need token states and triple spans") }
        let (batch, length, width) = (tokenStates.shape[0], tokenStates.shape[1], tokenStates.shape[2])
        let svo = Variable.matmul(Variable(pooling), tokenStates.reshaped([batch * length, width]))  // [B, tokenWidth]: r̂_svo
        let relation = svoProjection(svo).l2NormalizedRows()  // [B, D']
        return Variable.concatenate([sentence, relation], alongAxis: 1) * Self.halfScale  // [B, D + D']
    }

    /// v of Eq. 8 from image features `[B, imageWidth]` of the whole image and of the subject's
    /// and object's regions, and the regions' normalised corners `[B, 4]`.
    public func image(global: Variable, subject: Variable?, object: Variable?, subjectCorners: Tensor?, objectCorners: Tensor?) -> Variable {
        let image = (imageProjection.map { $0(global) } ?? global).l2NormalizedRows()  // [B, D]
        guard usesRelationFeatures else { return image }
        guard let subject, let object, let subjectCorners, let objectCorners, let boxEmbedding, let roiProjection else {
            preconditionFailure("relation features need region features and boxes")
        }
        func region(_ features: Variable, _ corners: Tensor) -> Variable {
            let box = boxEmbedding(Variable(corners))  // [B, F]
            return regionEmbedding.map { $0(features, boxes: box) } ?? features + box  // [B, F]
        }
        let subjectRegion = region(subject, subjectCorners)  // [B, F]: r̂_subject
        let objectRegion = region(object, objectCorners)  // [B, F]: r̂_object
        let pair = Variable.concatenate([subjectRegion, objectRegion], alongAxis: 1)  // [B, 2F]
        let linear = roiProjection(pair)  // [B, D']: Eq. 7
        let regions = (roiFusion.map { linear + $0(pair) } ?? linear).l2NormalizedRows()  // [B, D']
        return Variable.concatenate([image, regions], alongAxis: 1) * Self.halfScale  // [B, D + D']
    }
}
