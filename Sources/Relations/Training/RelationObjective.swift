import Autograd
import NN
import Training

/// SA-CLIP's training loss for one batch (Li et al. 2025, §2.3): with u, v the text and image
/// features of the batch's 2N examples (`RelationAwareCLIP`), keys marking inter-sample
/// positives, and u′ the texts of the opposite-relation negatives of some rows,
///
///     L = w_u·L_u + w_v·L_v + w_t·L_triplet + w_c·L_clip
///     L_u = InterSample(u), L_v = InterSample(v)            (Eq. 9, `Losses.interSampleContrastive`, τ;
///                                                            L_v's keys may differ: `imageKeys`;
///                                                            L_v may read some rows only: `imageRows`)
///     L_triplet = mean over rows with a negative of max(0, ‖v − u‖² − ‖v − u′‖² + α)   (Eq. 10)
///               or max(0, ‖v − u‖² − ‖v′ − u′‖² + α) with v′ the image grounded to the negative's
///               own objects (`negativeImages`, objective.negative_grounding "own")
///     L_clip = CLIP's symmetric InfoNCE between v and u      (not in the paper; the baseline's loss)
public enum RelationObjective {
    /// The loss and each term's value (`loss_text`, `loss_image`, `loss_triplet`, `loss_contrastive`).
    /// `negativeImages` (`[2N, width]`, nil: `images`) are the images grounded to each row's negative;
    /// `imageKeys` (nil: `keys`) mark L_v's positives, `keys` L_u's; `imageRows` (nil: all) are the
    /// rows L_v runs over (the others are neither its anchors nor its negatives).
    public static func loss(texts: Variable, images: Variable, negativeImages: Variable? = nil, negativeTexts: Variable?, negativeRows: [Int],
                            keys: [Int], imageKeys: [Int]? = nil, imageRows: [Int]? = nil, logScale: Variable,
                            objective: RelationTaskConfiguration.Objective) -> (loss: Variable, terms: [String: Double]) {
        var total: Variable?
        var terms: [String: Double] = [:]
        func add(_ name: String, _ weight: Float, _ term: () -> Variable) {
            guard weight != 0 else { return }
            let value = term()
            terms[name] = Double(value.value.item)
            total = total.map { $0 + value * weight } ?? value * weight
        }
        add("loss_text", objective.textWeight) {
            Losses.interSampleContrastive(embeddings: texts, keys: keys, temperature: objective.temperature)
        }
        add("loss_image", objective.imageWeight) {
            let imageKeys = imageKeys ?? keys
            guard let imageRows, imageRows.count < imageKeys.count else {
                return Losses.interSampleContrastive(embeddings: images, keys: imageKeys, temperature: objective.temperature)
            }
            guard !imageRows.isEmpty else { return (images * 0).sum() }
            return Losses.interSampleContrastive(embeddings: Variable.gather(rowsOf: images, indices: imageRows),
                                                 keys: imageRows.map { imageKeys[$0] }, temperature: objective.temperature)
        }
        if let negativeTexts, !negativeRows.isEmpty {
            add("loss_triplet", objective.tripletWeight) {
                let anchors = Variable.gather(rowsOf: images, indices: negativeRows)  // [M, width]
                let positives = Variable.gather(rowsOf: texts, indices: negativeRows)  // [M, width]
                guard let negativeImages else {
                    return Losses.triplet(anchor: anchors, positive: positives, negative: negativeTexts, margin: objective.margin,
                                          distance: .squaredEuclidean)
                }
                let negativeAnchors = Variable.gather(rowsOf: negativeImages, indices: negativeRows)  // [M, width]
                let distance = EmbeddingDistance.squaredEuclidean
                return (distance.rowwise(anchors, positives) - distance.rowwise(negativeAnchors, negativeTexts) + objective.margin).relu().mean()
            }
        }
        add("loss_contrastive", objective.contrastiveWeight) {
            Losses.clip(imageEmbeddings: images, textEmbeddings: texts, logScale: logScale)
        }
        return (total ?? (texts * 0).sum(), terms)
    }
}
