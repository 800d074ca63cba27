import Checkpoint
import Foundation
import Imaging
import NN
import Tensor

/// `clipkit-default-multilingual`: `clipkit-default`'s ConSE construction (Norouzi et al. 2014)
/// with the Universal Sentence Encoder multilingual v3 (Yang et al. 2020) as the text side, so
/// queries in its 16 languages (Chinese, Japanese, Korean, Arabic, Russian, Thai, Turkish and nine
/// European languages) land in the same space as the images.
///
/// The image side is EfficientNet-Lite0's ImageNet classifier. Each class y gets the label
/// embedding
///
///     s(y) = normalise(normalise(USE(english prompt of y)) + normalise(USE(chinese prompt of y)))
///
/// from open_clip's English class name in the English template (default "a photo of a {}.") and
/// cn_clip's Chinese class name in "{}的照片。" (cn_clip's first template); an image is the
/// normalised p(y|x)-weighted sum of s(y) over its T most probable classes (`ConSEImageEncoder`),
/// a text its USE embedding. The 1000 label embeddings are computed on first use and cached in
/// `$CLIPKIT_HOME/cache` (`LabelEmbeddingCache`).
public enum MultilingualDefaultModel {
    /// The registered name.
    public static let name = "clipkit-default-multilingual"
    /// The Chinese prompt (cn_clip's first ImageNet template, "a photo of {}.").
    public static let chineseLabelTemplate = "{}的照片。"

    /// The model from the files `scripts/setup.sh` installs: EfficientNet-Lite0, USE multilingual,
    /// and the English and Chinese ImageNet class names.
    public static func installed(topCount: Int = DefaultModel.topCount, template: String = DefaultModel.labelTemplate,
                                 progress: ((Int, Int) -> Void)? = nil) throws -> ImageTextModel {
        try DefaultModel.validate(topCount: topCount, template: template)
        let classifierURL = try InstalledFiles.require(InstalledFiles.efficientNetLite0)
        let resources = InstalledFiles.universalSentenceEncoderMultilingual
        let textFiles = try ["weights.npz", "sp.model"].map { try InstalledFiles.require(resources.appendingPathComponent($0)) }
        let classifier = try EfficientNet(contentsOf: classifierURL)
        let textEncoder = try UniversalSentenceEncoderTextEncoder.load(resources: resources)
        let english = try ImageNetZeroShotMetadata.installed(language: .english).classNames
        let chinese = try ImageNetZeroShotMetadata.installed(language: .chinese).classNames
        let prompts = english.map { template.replacingOccurrences(of: "{}", with: $0) }
            + chinese.map { chineseLabelTemplate.replacingOccurrences(of: "{}", with: $0) }
        let textFingerprint = try CheckpointFingerprint.of(textFiles)
        let promptEmbeddings = try LabelEmbeddingCache(directory: InstalledFiles.computedCache)
            .embeddings(of: prompts, modelFingerprint: textFingerprint) { prompts in
                try RowBatches.map(prompts, size: 100, dimension: textEncoder.embeddingWidth, progress: progress) { slice in
                    try textEncoder.embed(slice, batchSize: 100).l2NormalizedRows()
                }
            }
        let classes = english.count
        let englishRows = promptEmbeddings.narrowed(alongAxis: 0, start: 0, length: classes)  // [1000, 512]
        let chineseRows = promptEmbeddings.narrowed(alongAxis: 0, start: classes, length: classes)  // [1000, 512]
        let labelEmbeddings = (englishRows + chineseRows).l2NormalizedRows()  // [1000, 512]
        return try DefaultModel.assembled(name: name, classifier: classifier, classifierURL: classifierURL, textEncoder: textEncoder,
                                          labelEmbeddings: labelEmbeddings, prompts: prompts, textFingerprint: textFingerprint,
                                          topCount: topCount, template: template)
    }
}
