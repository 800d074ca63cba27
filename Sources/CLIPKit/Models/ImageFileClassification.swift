import FileSystem
import Foundation
import Imaging
import Models
import Tensor

/// An image classifier over files: decodes and preprocesses on all cores in batches, as
/// `ImageTextModel.embed(imageFiles:)` does for embeddings, and gives each readable file its class
/// probabilities (`clipkit classify` without labels: EfficientNet-Lite0's 1000 ImageNet classes).
public struct ImageFileClassification {
    public let classifier: any ImageClassifier
    public let preprocessing: Preprocessing

    public init(classifier: any ImageClassifier, preprocessing: Preprocessing) {
        self.classifier = classifier
        self.preprocessing = preprocessing
    }

    /// The installed EfficientNet-Lite0 ImageNet classifier with its preprocessing.
    public static func installedImageNetClassifier() throws -> ImageFileClassification {
        let network = try EfficientNet(contentsOf: try InstalledFiles.require(InstalledFiles.efficientNetLite0))
        return ImageFileClassification(classifier: network, preprocessing: network.configuration.preprocessing)
    }

    /// Probabilities `[classified.count, classes]` of the readable files, in list order; unreadable
    /// files are reported and skipped. `progress(done, total)` after each batch.
    public func classify(imageFiles: [FileSystemPath], batchSize: Int = 8, decoder: ImageDecoder = ImageDecoder(),
                         progress: ((Int, Int) -> Void)? = nil)
        -> (probabilities: Tensor, classified: [FileSystemPath], unreadable: [UnreadableImage]) {
        precondition(batchSize > 0, "batch size must be positive")
        var rows: [Tensor] = [], classified: [FileSystemPath] = [], unreadable: [UnreadableImage] = []
        for start in stride(from: 0, to: imageFiles.count, by: batchSize) {
            let batch = Array(imageFiles[start..<min(start + batchSize, imageFiles.count)])
            var ready: [Tensor] = []
            for (url, result) in zip(batch, preprocessing.prepare(count: batch.count) { try decoder.decode(contentsOf: batch[$0]) }) {
                switch result {
                case let .success(tensor):
                    ready.append(tensor)
                    classified.append(url)
                case let .failure(error):
                    unreadable.append(UnreadableImage(path: url.escapedText, reason: String(describing: error)))
                }
            }
            if !ready.isEmpty { rows.append(classifier.classProbabilities(Tensor.stackingImages(ready))) }
            progress?(start + batch.count, imageFiles.count)
        }
        let classes = rows.first?.shape[1] ?? 0
        return (RowBatches.stacked(rows, dimension: classes), classified, unreadable)
    }
}
