import Foundation
import Imaging
import Models
import Retrieval
import Tensor

/// `clipkit-default`: a joint image–text embedding built from pretrained parts that PyPI packages
/// ship, by ConSE (Norouzi et al., "Zero-Shot Learning by Convex Combination of Semantic
/// Embeddings", ICLR 2014).
///
/// The image side is the EfficientNet-Lite0 ImageNet classifier; the text side all-MiniLM-L6-v2.
/// Each ImageNet class y gets s(y) = MiniLM(template filled with the class name); an image is
/// embedded as the normalised p(y|x)-weighted sum of s(y) over its `topCount` most probable
/// classes, a text as its MiniLM embedding. The label embeddings are cached in
/// `$CLIPKIT_HOME/cache` (see `LabelEmbeddingCache`).
public final class ConSEModel: ImageTextModel, @unchecked Sendable {
    /// The registered name.
    public static let name = "clipkit-default"
    /// T of the paper's formula used unless configured otherwise.
    public static let defaultTopCount = 10
    /// The prompt each ImageNet class name is put into.
    public static let defaultTemplate = "a photo of a {}."

    public let conse: ConSE<EfficientNet, SentenceTransformer>
    public let identity: ModelIdentity
    /// Texts per MiniLM forward pass.
    public var textBatchSize = 64

    public init(conse: ConSE<EfficientNet, SentenceTransformer>, checkpointHash: String) {
        self.conse = conse
        identity = ModelIdentity(name: conse.topCount == Self.defaultTopCount ? Self.name : "\(Self.name)(T=\(conse.topCount))",
                                 checkpointHash: checkpointHash, dimension: conse.width,
                                 preprocessing: conse.classifier.configuration.preprocessing)
    }

    /// The default model from the files `scripts/setup.sh` installs: EfficientNet-Lite0,
    /// all-MiniLM-L6-v2 and the ImageNet class names of open_clip's metadata.
    public static func installed(topCount: Int = defaultTopCount, template: String = defaultTemplate,
                                 progress: ((Int, Int) -> Void)? = nil) throws -> ConSEModel {
        guard topCount >= 1 && topCount <= ImageNetZeroShotMetadata.classCount else {
            throw ModelLoadingError.invalidOption("ConSE's top-T must be between 1 and \(ImageNetZeroShotMetadata.classCount), got \(topCount)")
        }
        guard template.contains("{}") else {
            throw ModelLoadingError.invalidOption("the label template must contain {} where the class name goes, got \"\(template)\"")
        }
        let classifierURL = try InstalledFiles.require(InstalledFiles.efficientNetLite0)
        let textModelURL = try InstalledFiles.require(InstalledFiles.allMiniLML6V2)
        let metadataURL = try InstalledFiles.require(ImageNetZeroShotMetadata.installedLocation)
        let classifier = try EfficientNet(contentsOf: classifierURL)
        let textModel = try SentenceTransformer(directory: textModelURL)
        let names = try ImageNetZeroShotMetadata(contentsOf: metadataURL).classNames
        let prompts = names.map { template.replacingOccurrences(of: "{}", with: $0) }
        let textHash = try CheckpointFingerprint.of([textModelURL])
        let cache = LabelEmbeddingCache(directory: InstalledFiles.home.appendingPathComponent("cache", isDirectory: true))
        let labelEmbeddings = try cache.embeddings(of: prompts, modelFingerprint: textHash) { prompts in
            try embedWithProgress(prompts, textModel: textModel, progress: progress)
        }
        let conse = ConSE(classifier: classifier, textModel: textModel, labelEmbeddings: labelEmbeddings, topCount: topCount)
        var hasher = SHA256()
        hasher.update(Array(try CheckpointFingerprint.of([classifierURL]).utf8))
        hasher.update(Array(LabelEmbeddingCache.key(prompts: prompts, modelFingerprint: textHash).utf8))
        return ConSEModel(conse: conse, checkpointHash: hasher.hexDigest())
    }

    /// ConSE has no learned temperature; 100 matches CLIP's, which makes softmax over cosine
    /// similarities of unit vectors usefully peaked.
    public var logitScale: Float { 100 }

    public func embed(images: Tensor) throws -> Tensor {
        let size = identity.preprocessing?.imageSize ?? 224
        guard images.rank == 4, images.shape[1] == 3, images.shape[2] == size, images.shape[3] == size else {
            throw ModelLoadingError.wrongInputShape(expected: "[batch, 3, \(size), \(size)]", got: images.shape)
        }
        return conse.embed(images: images)
    }

    public func embed(texts: [String]) throws -> Tensor {
        try conse.textModel.embed(texts: texts, batchSize: textBatchSize)
    }

    /// MiniLM embeddings in slices of 100, so the first-run label cache can show progress.
    static func embedWithProgress(_ texts: [String], textModel: SentenceTransformer, progress: ((Int, Int) -> Void)?) throws -> Tensor {
        try RowBatches.map(texts, size: 100, dimension: textModel.embeddingDimension, progress: progress) { slice in
            try textModel.embed(texts: slice)
        }
    }
}
