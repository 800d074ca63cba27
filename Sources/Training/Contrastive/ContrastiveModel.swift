import Autograd
import Foundation
import NN
import Tensor

/// A two-tower model trained with CLIP's symmetric InfoNCE (Radford et al. 2021): an image tower
/// and a text tower (any `ImageTower` / `TextTower`), optional linear projections into a shared
/// width, and a learnable log logit scale s. For a batch of N matching pairs,
/// loss = ½·(CE(e^s·I·Tᵀ, diag) + CE(e^s·T·Iᵀ, diag)) over L2-normalised embeddings, with e^s
/// clamped to ≤ 100 after each step. Keys `visual.*`, `text.*`, `image_projection.weight`,
/// `text_projection.weight`, `logit_scale`.
public struct ContrastiveModel: ParameterGroup {
    public let imageTower: any ImageTower
    public let textTower: any TextTower
    public let imageProjection: Linear?
    public let textProjection: Linear?
    public let logScale: Parameter
    public let locking: TowerLocking

    /// Projections (bias-free, PyTorch-default initialisation) are added when `embeddingWidth` is
    /// given; without it both towers must already produce the same width.
    public init(imageTower: any ImageTower, textTower: any TextTower, embeddingWidth: Int?,
                locking: TowerLocking = TowerLocking(), initialLogScale: Float = Losses.initialLogScale,
                learnsScale: Bool = true, generator: inout SeededGenerator) {
        self.imageTower = imageTower
        self.textTower = textTower
        if let embeddingWidth {
            imageProjection = Linear(inFeatures: imageTower.featureWidth, outFeatures: embeddingWidth, bias: false, generator: &generator)
            textProjection = Linear(inFeatures: textTower.featureWidth, outFeatures: embeddingWidth, bias: false, generator: &generator)
        } else {
            precondition(imageTower.featureWidth == textTower.featureWidth,
                         "towers of widths \(imageTower.featureWidth) and \(textTower.featureWidth) need projections")
            imageProjection = nil
            textProjection = nil
        }
        logScale = Parameter(Tensor(scalar: initialLogScale), isTrainable: learnsScale)
        self.locking = locking
        if locking.locksImageTower { imageTower.namedParameters.forEach { $0.parameter.isTrainable = false } }
        if locking.locksTextTower { textTower.namedParameters.forEach { $0.parameter.isTrainable = false } }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        nested("visual", imageTower) + nested("text", textTower) + nested("image_projection", imageProjection)
            + nested("text_projection", textProjection) + [("logit_scale", logScale)]
    }

    /// Image embeddings `[B, width]` (not normalised). A locked tower runs in inference mode
    /// without a tape.
    public func encodeImages(_ images: Tensor, mode: ForwardMode) -> Variable {
        let features = locking.locksImageTower || mode == .inference
            ? Variable(GradientMode.withoutGradients { imageTower.features(Variable(images), mode: .inference).value })
            : imageTower.features(Variable(images), mode: mode)
        return imageProjection.map { $0(features) } ?? features
    }

    /// Text embeddings `[B, width]` (not normalised).
    public func encodeTexts(_ texts: [String], mode: ForwardMode) -> Variable {
        let features = locking.locksTextTower || mode == .inference
            ? Variable(GradientMode.withoutGradients { textTower.features(texts, mode: .inference).value })
            : textTower.features(texts, mode: mode)
        return textProjection.map { $0(features) } ?? features
    }

    /// The symmetric InfoNCE loss of one batch.
    public func loss(_ batch: CaptionedBatch) -> Variable {
        Losses.clip(imageEmbeddings: encodeImages(batch.images, mode: .training),
                    textEmbeddings: encodeTexts(batch.captions, mode: .training), logScale: logScale.variable)
    }

    /// Keeps e^s ≤ 100 (call after each optimiser step).
    public func clampLogitScale() { Losses.clampLogitScale(logScale) }
}
