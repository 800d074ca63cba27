import Autograd
import Foundation
import Imaging
import Models
import NN
import Tensor

/// SA-CLIP (Li, Shao, Rajapaksha & Crespi 2025): an image encoder and a text encoder (any
/// `ImageEncoder` / `TextEncoder`, e.g. the default model's EfficientNet-Lite0 and
/// all-MiniLM-L6-v2, or a CLIP from the registry) with `RelationHeads` on top, so a caption's
/// text feature u carries its subject–relation–object triple (token states pooled over the
/// triple's spans) and an image's feature v carries the subject's and object's regions with
/// their box positions. Regions are encoded by cropping them and running the image encoder on
/// each crop, as the paper's Eq. 6 writes f_v(ROI): it works with every image encoder (pooled
/// outputs, no token grid needed) and puts region features in the same space as the whole
/// image's; with the image tower locked (the paper's setting) the crops are encoded once.
/// Keys: `visual.*`, `text.*`, the heads' keys, `logit_scale`.
public struct RelationAwareCLIP: Module {
    /// Preprocessing of the image encoder's inputs (whole images and region crops).
    public let preprocessing: Preprocessing
    /// Width of the text encoder's token states.
    public let tokenWidth: Int
    @Key("visual") public var imageEncoder: any ImageEncoder
    @Key("text") public var textEncoder: any TextEncoder
    @Key("") public var heads: RelationHeads
    @Key("logit_scale") public var logScale: Parameter

    /// A model over two encoders. `embeddingWidth` adds projections (required when the encoders'
    /// widths differ); `locksImageTower` freezes the image encoder and keeps it in inference mode.
    public init(imageEncoder: any ImageEncoder, textEncoder: any TextEncoder, preprocessing: Preprocessing, embeddingWidth: Int?,
                relationWidth: Int, usesRelationFeatures: Bool, normalizesRegionFeatures: Bool = false, locksImageTower: Bool,
                logScale: Parameter? = nil, generator: inout SeededGenerator) throws {
        self.preprocessing = preprocessing
        let probe = try textEncoder.tokenize(["a"], includingSpans: false)
        let states = GradientMode.withoutGradients { textEncoder.encode(probe, includingTokenStates: true).tokenStates }
        guard let states else { throw RelationError.invalidConfiguration("the text encoder gives no token states") }
        tokenWidth = states.shape[2]
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        heads = RelationHeads(imageWidth: imageEncoder.embeddingWidth, textWidth: textEncoder.embeddingWidth, tokenWidth: tokenWidth,
                              embeddingWidth: embeddingWidth, relationWidth: relationWidth, usesRelationFeatures: usesRelationFeatures,
                              normalizesRegionFeatures: normalizesRegionFeatures, generator: &generator)
        self.logScale = logScale ?? Parameter(Tensor(scalar: Losses.initialLogScale))
        if locksImageTower {
            freeze(paths: ["visual"])
            imageEncoder.setMode(.inference)
        }
    }

    public var usesRelationFeatures: Bool { heads.usesRelationFeatures }

    /// Whether the image encoder has no trainable parameter (its features can be computed once).
    public var imageTowerIsFrozen: Bool { !imageEncoder.namedParameters.contains { $0.parameter.isTrainable } }

    /// Width of u and v.
    public var featureWidth: Int {
        (heads.textProjection?.outFeatures ?? textEncoder.embeddingWidth) + (heads.svoProjection?.outFeatures ?? 0)
    }

    /// u for captions with their triples `[B, featureWidth]` (unit rows), on the tape.
    public func encodeTexts(_ captions: [String], triples: [RelationTriple]) throws -> Variable {
        precondition(captions.count == triples.count, "one triple per caption")
        let tokens = try textEncoder.tokenize(captions, includingSpans: usesRelationFeatures)
        let encoding = textEncoder.encode(tokens, includingTokenStates: usesRelationFeatures)
        let pooling = usesRelationFeatures ? try TriplePooling.matrix(triples, tokens: tokens) : nil
        return heads.text(pooled: encoding.pooled, tokenStates: encoding.tokenStates, pooling: pooling)
    }

    /// u without a tape, `batchSize` captions per pass.
    public func embedTexts(_ captions: [String], triples: [RelationTriple], batchSize: Int = 64) throws -> Tensor {
        try RowBatches.map(Array(0..<captions.count), size: batchSize, dimension: featureWidth) { indices in
            try GradientMode.withoutGradients {
                try encodeTexts(indices.map { captions[$0] }, triples: indices.map { triples[$0] }).value
            }
        }
    }

    /// v from image-side features, on the tape (rows of `features`).
    public func encodeImages(_ features: RelationImageFeatures) -> Variable {
        heads.image(global: Variable(features.global), subject: Variable(features.subject), object: Variable(features.object),
                    subjectCorners: features.subjectCorners, objectCorners: features.objectCorners)
    }

    /// v without a tape.
    public func embedImages(_ features: RelationImageFeatures) -> Tensor {
        GradientMode.withoutGradients { encodeImages(features).value }
    }

    /// Keeps e^s ≤ 100 (call after each optimiser step).
    public func clampLogitScale() { Losses.clampLogitScale(logScale) }
}
