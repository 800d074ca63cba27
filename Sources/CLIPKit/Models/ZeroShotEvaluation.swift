import Datasets
import Models
import Evaluation
import Foundation
import Imaging
import Tensor
import Training

/// Zero-shot accuracy of an image–text model on a labelled in-memory image set (Fashion-MNIST):
/// each image goes through the model's own preprocessing and image tower, and is classified by
/// `ZeroShotClassifier` (softmax(logitScale · cos) over the class prompts).
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

    /// Accuracy over `images` (the first `limit` when given); `progress(done, total)` after each batch.
    /// The set's class order must be the classifier's label order.
    public func run(on images: LabeledImageSet, limit: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> ClassificationAccuracy {
        guard images.classNames.count == classifier.labels.count else {
            throw ModelLoadingError.invalidOption("the data set has \(images.classNames.count) classes but \(classifier.labels.count) labels were given")
        }
        guard let preprocessing = model.identity.preprocessing else {
            throw ModelLoadingError.invalidOption("\(model.identity.name) has no image tower")
        }
        var accuracy = try ClassificationAccuracy(classCount: classifier.labels.count, ks: ks.filter { $0 <= classifier.labels.count })
        let total = min(limit ?? images.count, images.count)
        for start in stride(from: 0, to: total, by: batchSize) {
            let indices = Array(start..<min(start + batchSize, total))
            let batch = Self.prepare(indices, of: images, preprocessing: preprocessing)  // [batch, 3, size, size]
            let embeddings = try model.embed(images: batch)                              // [batch, dimension]
            try accuracy.add(scores: classifier.probabilities(imageEmbeddings: embeddings), labels: indices.map { images.labels[$0] })
            progress?(indices.last! + 1, total)
        }
        return accuracy
    }

    /// Preprocessed images stacked `[indices.count, 3, size, size]`, prepared on all cores.
    static func prepare(_ indices: [Int], of images: LabeledImageSet, preprocessing: Preprocessing) -> Tensor {
        let tensors = UnsafeMutableBufferPointer<Tensor?>.allocate(capacity: indices.count)
        tensors.initialize(repeating: nil)
        defer { tensors.deallocate() }
        DispatchQueue.concurrentPerform(iterations: indices.count) { position in
            tensors[position] = preprocessing(images.rgbImage(at: indices[position]))
        }
        return Tensor.stackingImages(tensors.map { $0! })
    }
}
