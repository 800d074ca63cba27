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
///
/// The towers stay in inference mode (`setMode(_:)` is never switched to training here): BatchNorm
/// layers use their stored statistics, a locked tower's as well as a trained one's.
public struct ContrastiveModel: Module {
    public let locking: TowerLocking
    @Key("visual") public var imageTower: any ImageTower
    @Key("text") public var textTower: any TextTower
    @Key("image_projection") public var imageProjection: Linear?
    @Key("text_projection") public var textProjection: Linear?
    @Key("logit_scale") public var logScale: Parameter

    /// Projections (bias-free, PyTorch-default initialisation) are added when `embeddingWidth` is
    /// given; without it both towers must already produce the same width. `logScale`, when given,
    /// is used as it is (a pretrained CLIP's `logit_scale`, so fine-tuning starts from its value
    /// and the CLIP sees the trained one); otherwise a new scalar starts at `initialLogScale`.
    /// Under `projectionsOnly` locking the towers' own `outputProjections` stay trainable.
    public init(imageTower: any ImageTower, textTower: any TextTower, embeddingWidth: Int?,
                locking: TowerLocking = TowerLocking(), initialLogScale: Float = Losses.initialLogScale,
                learnsScale: Bool = true, logScale: Parameter? = nil, generator: inout SeededGenerator) {
        self.locking = locking
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
        if let logScale {
            logScale.isTrainable = learnsScale
            self.logScale = logScale
        } else {
            self.logScale = Parameter(Tensor(scalar: initialLogScale), isTrainable: learnsScale)
        }
        if locking.locksImageTower {
            freeze(paths: ["visual"])
            imageTower.setMode(.inference)
        }
        if locking.locksTextTower {
            freeze(paths: ["text"])
            textTower.setMode(.inference)
        }
        if locking.projectionsOnly {
            (imageTower.outputProjections + textTower.outputProjections).forEach { $0.isTrainable = true }
        }
    }

    /// Whether the image tower has no trainable parameter (its features can be computed once).
    public var imageTowerIsFrozen: Bool { !imageTower.namedParameters.contains { $0.parameter.isTrainable } }

    /// Image embeddings `[B, width]` (not normalised): without a tape for `.inference`, on the
    /// tape for `.training` (a locked tower's frozen weights record none, so only trainable
    /// projections are differentiated).
    public func encodeImages(_ images: Tensor, mode: ForwardMode) -> Variable {
        if mode == .inference {
            return Variable(GradientMode.withoutGradients { projectImageFeatures(imageTower.features(Variable(images))).value })
        }
        return projectImageFeatures(imageTower.features(Variable(images)))
    }

    /// The projection (if any) of image-tower features `[B, featureWidth]`.
    public func projectImageFeatures(_ features: Variable) -> Variable {
        imageProjection.map { $0(features) } ?? features
    }

    /// Text embeddings `[B, width]` (not normalised), without a tape for `.inference`.
    public func encodeTexts(_ texts: [String], mode: ForwardMode) -> Variable {
        if mode == .inference {
            return Variable(GradientMode.withoutGradients { projectTextFeatures(textTower.features(texts)).value })
        }
        return projectTextFeatures(textTower.features(texts))
    }

    /// The projection (if any) of text-tower features `[B, featureWidth]`.
    public func projectTextFeatures(_ features: Variable) -> Variable {
        textProjection.map { $0(features) } ?? features
    }

    /// The symmetric InfoNCE loss of one batch. `imageFeatures` `[B, featureWidth]` replace the
    /// image tower's forward when given (a frozen tower's features computed once).
    public func loss(_ batch: CaptionedBatch, imageFeatures: Tensor? = nil) -> Variable {
        let images = imageFeatures.map { projectImageFeatures(Variable($0)) } ?? encodeImages(batch.images, mode: .training)
        return Losses.clip(imageEmbeddings: images, textEmbeddings: encodeTexts(batch.captions, mode: .training),
                           logScale: logScale.variable)
    }

    /// Keeps e^s ≤ 100 (call after each optimiser step).
    public func clampLogitScale() { Losses.clampLogitScale(logScale) }
}
