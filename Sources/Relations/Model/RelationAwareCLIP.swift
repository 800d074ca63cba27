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
/// image's; with the image tower locked (the paper's setting) the crops are encoded once. With
/// `unlockedImageBlocks` k > 0 the tower stays locked except its last k blocks and head
/// (`SplitImageEncoder`): the prefix's maps are computed once and `encodeImages` runs the suffix,
///
///     f_v(x) = suffix_k(prefix_k(x))     prefix locked, suffix trained (in inference mode: batch
///                                        norms keep their running statistics)
///
/// Keys: `visual.*`, `text.*`, the heads' keys, `logit_scale`.
public struct RelationAwareCLIP: Module {
    /// Preprocessing of the image encoder's inputs (whole images and region crops).
    public let preprocessing: Preprocessing
    /// Width of the text encoder's token states.
    public let tokenWidth: Int
    /// Trailing image-tower blocks that train (0: the whole tower as `locksImageTower` says).
    public let unlockedImageBlocks: Int
    @Key("visual") public var imageEncoder: any ImageEncoder
    @Key("text") public var textEncoder: any TextEncoder
    @Key("") public var heads: RelationHeads
    @Key("logit_scale") public var logScale: Parameter

    /// A model over two encoders. `embeddingWidth` adds projections (required when the encoders'
    /// widths differ); `locksImageTower` freezes the image encoder and keeps it in inference mode;
    /// `unlockedImageBlocks` > 0 then makes its last blocks and head trainable again (the encoder
    /// must be a `SplitImageEncoder` with that many blocks).
    public init(imageEncoder: any ImageEncoder, textEncoder: any TextEncoder, preprocessing: Preprocessing, embeddingWidth: Int?,
                relationWidth: Int, usesRelationFeatures: Bool, normalizesRegionFeatures: Bool = false,
                fusesRegionsNonlinearly: Bool = false, locksImageTower: Bool,
                unlockedImageBlocks: Int = 0, logScale: Parameter? = nil, generator: inout SeededGenerator) throws {
        self.preprocessing = preprocessing
        self.unlockedImageBlocks = unlockedImageBlocks
        var suffixPaths: [String] = []
        if unlockedImageBlocks != 0 {
            guard locksImageTower, let split = imageEncoder as? any SplitImageEncoder,
                  (1...split.splittableBlockCount).contains(unlockedImageBlocks) else {
                throw RelationError.invalidConfiguration(
                    "unlocked image blocks (\(unlockedImageBlocks)) need a locked image tower that splits into that many trailing blocks")
            }
            suffixPaths = split.suffixParameterPaths(blocks: unlockedImageBlocks).map { "visual.\($0)" }
        }
        let probe = try textEncoder.tokenize(["a"], includingSpans: false)
        let states = GradientMode.withoutGradients { textEncoder.encode(probe, includingTokenStates: true).tokenStates }
        guard let states else { throw RelationError.invalidConfiguration("the text encoder gives no token states") }
        tokenWidth = states.shape[2]
        self.imageEncoder = imageEncoder
        self.textEncoder = textEncoder
        heads = RelationHeads(imageWidth: imageEncoder.embeddingWidth, textWidth: textEncoder.embeddingWidth, tokenWidth: tokenWidth,
                              embeddingWidth: embeddingWidth, relationWidth: relationWidth, usesRelationFeatures: usesRelationFeatures,
                              normalizesRegionFeatures: normalizesRegionFeatures, fusesRegionsNonlinearly: fusesRegionsNonlinearly,
                              generator: &generator)
        self.logScale = logScale ?? Parameter(Tensor(scalar: Losses.initialLogScale))
        if locksImageTower {
            freeze(paths: ["visual"])
            if !suffixPaths.isEmpty { unfreeze(paths: suffixPaths) }
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

    /// v from image-side features, on the tape (rows of `features`; prefix maps go through the
    /// image tower's trainable suffix first, whole images and both regions in one pass).
    public func encodeImages(_ features: RelationImageFeatures) -> Variable {
        guard let mapShape = features.mapShape else {
            return heads.image(global: Variable(features.global), subject: Variable(features.subject), object: Variable(features.object),
                               subjectCorners: features.subjectCorners, objectCorners: features.objectCorners)
        }
        guard let split = imageEncoder as? any SplitImageEncoder, unlockedImageBlocks > 0 else {
            preconditionFailure("prefix feature maps need a model with unlocked image blocks")
        }
        let count = features.count
        let maps = Tensor.concatenate([features.global, features.subject, features.object], alongAxis: 0)  // [3N, C·h·w]
        let pooled = split.suffixPooled(Variable(maps.reshaped([3 * count] + mapShape)), suffixBlocks: unlockedImageBlocks)  // [3N, F]
        return heads.image(global: pooled.narrowed(alongAxis: 0, start: 0, length: count),
                           subject: pooled.narrowed(alongAxis: 0, start: count, length: count),
                           object: pooled.narrowed(alongAxis: 0, start: 2 * count, length: count),
                           subjectCorners: features.subjectCorners, objectCorners: features.objectCorners)
    }

    /// v and v′, the same images with each row's object region replaced by its negative
    /// statement's own object (`RelationImageFeatures.negativeObject`), on the tape; prefix maps
    /// go through the suffix once, whole images and all three regions in one pass.
    public func encodeImagesWithNegativeObjects(_ features: RelationImageFeatures) -> (images: Variable, negativeImages: Variable) {
        guard let negativeObject = features.negativeObject, let negativeCorners = features.negativeObjectCorners else {
            preconditionFailure("negative objects were not computed (RelationImageFeatures.withNegativeObjects)")
        }
        guard let mapShape = features.mapShape else {
            let global = Variable(features.global), subject = Variable(features.subject)
            return (heads.image(global: global, subject: subject, object: Variable(features.object), subjectCorners: features.subjectCorners,
                                objectCorners: features.objectCorners),
                    heads.image(global: global, subject: subject, object: Variable(negativeObject), subjectCorners: features.subjectCorners,
                                objectCorners: negativeCorners))
        }
        guard let split = imageEncoder as? any SplitImageEncoder, unlockedImageBlocks > 0 else {
            preconditionFailure("prefix feature maps need a model with unlocked image blocks")
        }
        let count = features.count
        let maps = Tensor.concatenate([features.global, features.subject, features.object, negativeObject], alongAxis: 0)  // [4N, C·h·w]
        let pooled = split.suffixPooled(Variable(maps.reshaped([4 * count] + mapShape)), suffixBlocks: unlockedImageBlocks)  // [4N, F]
        func part(_ index: Int) -> Variable { pooled.narrowed(alongAxis: 0, start: index * count, length: count) }  // [N, F]
        return (heads.image(global: part(0), subject: part(1), object: part(2), subjectCorners: features.subjectCorners,
                            objectCorners: features.objectCorners),
                heads.image(global: part(0), subject: part(1), object: part(3), subjectCorners: features.subjectCorners,
                            objectCorners: negativeCorners))
    }

    /// v without a tape.
    public func embedImages(_ features: RelationImageFeatures) -> Tensor {
        GradientMode.withoutGradients { encodeImages(features).value }
    }

    /// Keeps e^s ≤ 100 (call after each optimiser step).
    public func clampLogitScale() { Losses.clampLogitScale(logScale) }
}
