import Models
import CLIPKit
import Datasets
import Evaluation
import Foundation
import Tensor
import Testing
import Training

/// Zero-shot evaluation of `clipkit-default` on Fashion-MNIST: the in-memory path (idx bytes →
/// RGB → preprocessing) agrees with the file path (exported PNGs → decoder → preprocessing), and
/// the accuracy counts follow from the probabilities.
@Suite(.serialized) struct ZeroShotEvaluationTests {
    static let count = 24

    @Test func inMemoryImagesMatchExportedPNGFiles() throws {
        let model = try DefaultModelParityTests.model.get()
        let set = try FashionMNIST.load(split: .test)
        let classifier = try ZeroShotClassifier(model: model, labels: FashionMNIST.promptNames, templates: ZeroShotTemplates.photo)
        let accuracy = try ZeroShotEvaluation(model: model, classifier: classifier, batchSize: 10).run(on: set, limit: Self.count)
        #expect(accuracy.count == Self.count)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-zeroshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try ClassFolderExport(directory: directory).write(set, limit: Self.count)
        let embedded = try model.embed(imageFiles: files)
        #expect(embedded.unreadable.isEmpty)
        let probabilities = classifier.probabilities(imageEmbeddings: embedded.embeddings)  // [count, 10]
        var expected = try ClassificationAccuracy(classCount: 10)
        try expected.add(scores: probabilities, labels: Array(set.labels.prefix(Self.count)))
        #expect(accuracy.confusion == expected.confusion)
        #expect(accuracy.accuracy(k: 5) == expected.accuracy(k: 5))
        // Each row's probabilities sum to one.
        for row in 0..<Self.count {
            #expect(abs(probabilities[row].scalars.reduce(0, +) - 1) < 1e-4)
        }
    }
}
