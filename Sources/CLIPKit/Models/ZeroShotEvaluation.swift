import Datasets
import Models
import Evaluation
import Foundation
import Imaging
import Tensor

/// Zero-shot accuracy of an image–text model on any labelled image set (Fashion-MNIST in memory,
/// class folders on disk such as CIFAR-10 or ImageNet-val): each image goes through the model's
/// own preprocessing and image tower, and is classified by `ZeroShotClassifier`
/// (softmax(logitScale · cos) over the class prompts; Radford et al. 2021, §3.1.4).
public struct ZeroShotEvaluation {
    public let model: ImageTextModel
    public let classifier: ZeroShotClassifier
    /// Images per forward pass.
    public var batchSize: Int
    /// The k of the top-k accuracies.
    public var ks: [Int]

    public init(model: ImageTextModel, classifier: ZeroShotClassifier, batchSize: Int = 32, ks: [Int] = [1, 5]) {
        precondition(batchSize > 0, "batch size must be positive")
        self.model = model
        self.classifier = classifier
        self.batchSize = batchSize
        self.ks = ks
    }

    /// What a run gives: the accuracy over the images that could be read, and those that could not.
    public struct Result: Sendable {
        public var accuracy: ClassificationAccuracy
        public var unreadable: [UnreadableImage]
    }

    /// Accuracy over `images` (the first `limit` when given); `progress(done, total)` after each
    /// batch. The set's class order must be the classifier's label order. An image that cannot be
    /// read is reported in `unreadable` and left out of the accuracy.
    public func run(on images: any LabeledImageSource, limit: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        guard images.classNames.count == classifier.labels.count else {
            throw ModelError.invalidOption("the data set has \(images.classNames.count) classes but \(classifier.labels.count) labels were given")
        }
        guard let preprocessing = model.identity.preprocessing else {
            throw ModelError.invalidOption("\(model.identity.name) has no image tower")
        }
        var accuracy = try ClassificationAccuracy(classCount: classifier.labels.count, ks: ks.filter { $0 <= classifier.labels.count })
        var unreadable: [UnreadableImage] = []
        let total = min(limit ?? images.count, images.count)
        for start in stride(from: 0, to: total, by: batchSize) {
            let indices = Array(start..<min(start + batchSize, total))
            var ready: [Tensor] = [], labels: [Int] = []
            for (index, prepared) in zip(indices, preprocessing.prepare(count: indices.count) { try images.image(at: indices[$0]) }) {
                switch prepared {
                case let .success(tensor):
                    ready.append(tensor)
                    labels.append(images.label(at: index))
                case let .failure(error):
                    unreadable.append(UnreadableImage(path: images.source(of: index), reason: String(describing: error)))
                }
            }
            if !ready.isEmpty {
                let embeddings = try model.embed(images: Tensor.stackingImages(ready))  // [batch, dimension]
                try accuracy.add(scores: classifier.probabilities(imageEmbeddings: embeddings), labels: labels)
            }
            progress?(indices.last! + 1, total)
        }
        return Result(accuracy: accuracy, unreadable: unreadable)
    }
}
