import Autograd
import Foundation
import Models
import NN
import Tensor

/// A two-tower model trained with CLIP's symmetric InfoNCE (Radford et al. 2021): an image encoder
/// and a text encoder (any `ImageEncoder` / `TextEncoder`), optional linear projections into a
/// shared width, and a learnable log logit scale s. For a batch of N matching pairs,
/// loss = ½·(CE(e^s·I·Tᵀ, diag) + CE(e^s·T·Iᵀ, diag)) over L2-normalised embeddings, with e^s
/// clamped to ≤ 100 after each step. Keys `visual.*`, `text.*`, `image_projection.weight`,
/// `text_projection.weight`, `logit_scale`.
///
/// The encoders stay in inference mode (`setMode(_:)` is never switched to training here):
/// BatchNorm layers use their stored statistics, a locked encoder's as well as a trained one's.
public struct ContrastiveModel: Module {
    public let locking: TowerLocking
    @Key("visual") public var imageEncoder: any ImageEncoder
    @Key("text") public var textEncoder: any TextEncoder
    @Key("image_projection") public var imageProjection: Linear?
    @Key("text_projection") public var textProjection: Linear?
    @Key("logit_scale") public var logScale: Parameter

    /// Projections (bias-free, PyTorch-default initialisation) are added when `embeddingWidth` is
    /// given; without it both encoders must already produce the same width. `logScale`, when given,
    /// is used as it is (a pretrained CLIP's `logit_scale`, so fine-tuning starts from its value
    /// and the model sees the trained one); otherwise a new scalar starts at `initialLogScale`.
    /// Under `projectionsOnly` locking the encoders' own `projectionPaths` stay trainable.
    public init(imageEncoder: any ImageEncoder, textEncoder: any TextEncoder, embeddingWidth: Int?,
                locking: TowerLocking = TowerLocking(), initialLogScale: Float = Losses.initialLogScale,
                learnsScale: Bool = true, logScale: Parameter? = nil, generator: inout SeededGenerator) {
        self.locking = locking
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        if let embeddingWidth {
            imageProjection = Linear(inFeatures: imageEncoder.embeddingWidth, outFeatures: embeddingWidth, bias: false, generator: &generator)
            textProjection = Linear(inFeatures: textEncoder.embeddingWidth, outFeatures: embeddingWidth, bias: false, generator: &generator)
        } else {
            precondition(imageEncoder.embeddingWidth == textEncoder.embeddingWidth,
                         "encoders of widths \(imageEncoder.embeddingWidth) and \(textEncoder.embeddingWidth) need projections")
            imageProjection = nil
            textProjection = nil
        }
        let scale = logScale ?? Parameter(Tensor(scalar: initialLogScale))
        scale.isTrainable = learnsScale
        self.logScale = scale
        if locking.locksImageTower {
            freeze(paths: ["visual"])
            imageEncoder.setMode(.inference)
        }
        if locking.locksTextTower {
            freeze(paths: ["text"])
            textEncoder.setMode(.inference)
        }
        if locking.projectionsOnly {
            let projections = imageEncoder.projectionPaths.map { "visual." + $0 } + textEncoder.projectionPaths.map { "text." + $0 }
            if !projections.isEmpty { unfreeze(paths: projections) }
        }
    }

    /// Whether the image encoder has no trainable parameter (its features can be computed once).
    public var imageTowerIsFrozen: Bool { !imageEncoder.namedParameters.contains { $0.parameter.isTrainable } }

    /// Image embeddings `[B, width]` (not normalised) on the tape. A locked encoder records no
    /// tape (its weights are frozen), so only trainable projections are differentiated.
    public func encodeImages(_ images: Tensor) -> Variable {
        projectImageFeatures(imageEncoder(Variable(images)))
    }

    /// Image embeddings `[B, width]` without a tape.
    public func embedImages(_ images: Tensor) -> Tensor {
        GradientMode.withoutGradients { projectImageFeatures(Variable(imageEncoder.embed(images))).value }
    }

    /// The projection (if any) of image-encoder features `[B, featureWidth]`.
    public func projectImageFeatures(_ features: Variable) -> Variable {
        imageProjection.map { $0(features) } ?? features
    }

    /// Text embeddings `[B, width]` (not normalised) on the tape.
    public func encodeTexts(_ texts: [String]) throws -> Variable {
        projectTextFeatures(try textEncoder(texts))
    }

    /// Text embeddings `[B, width]` without a tape.
    public func embedTexts(_ texts: [String]) throws -> Tensor {
        let features = try textEncoder.embed(texts, batchSize: 64)
        return GradientMode.withoutGradients { projectTextFeatures(Variable(features)).value }
    }

    /// The projection (if any) of text-encoder features `[B, featureWidth]`.
    public func projectTextFeatures(_ features: Variable) -> Variable {
        textProjection.map { $0(features) } ?? features
    }

    /// The symmetric InfoNCE loss of one batch. `imageFeatures` `[B, featureWidth]` replace the
    /// image encoder's forward when given (a frozen encoder's features computed once).
    public func loss(_ batch: CaptionedBatch, imageFeatures: Tensor? = nil) throws -> Variable {
        let images = imageFeatures.map { projectImageFeatures(Variable($0)) } ?? encodeImages(batch.images)
        return Losses.clip(imageEmbeddings: images, textEmbeddings: try encodeTexts(batch.captions), logScale: logScale.variable)
    }

    /// Keeps e^s ≤ 100 (call after each optimiser step).
    public func clampLogitScale() { Losses.clampLogitScale(logScale) }
}
