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
        let accuracy = try ZeroShotEvaluation(model: model, classifier: classifier, batchSize: 10).run(on: set, limit: Self.count).accuracy
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

    /// The same images exported as class folders (`DIR/<class>/<n>.png`, as CIFAR-10 is usually
    /// stored) and read back by `ClassFolders`: the classes are the sorted folder names and the
    /// prompts come from a names file, so the accuracy, which does not depend on the class order,
    /// equals the in-memory run's; an undecodable file is reported and left out.
    @Test func classFoldersOnDiskGiveTheInMemoryAccuracy() throws {
        let model = try DefaultModelParityTests.model.get()
        let set = try FashionMNIST.load(split: .test)
        let classifier = try ZeroShotClassifier(model: model, labels: FashionMNIST.promptNames, templates: ZeroShotTemplates.photo)
        let inMemory = try ZeroShotEvaluation(model: model, classifier: classifier, batchSize: 10).run(on: set, limit: Self.count).accuracy

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-classfolders-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let export = ClassFolderExport(directory: directory)
        _ = try export.write(set, limit: Self.count)
        try Data("not an image".utf8).write(to: directory.appendingPathComponent("\(ClassFolderExport.folderName(ofClass: FashionMNIST.classNames[0]))/broken.png"))
        let names = FashionMNIST.classNames.indices.map { "\(ClassFolderExport.folderName(ofClass: FashionMNIST.classNames[$0]))\t\(FashionMNIST.promptNames[$0])" }
        let namesFile = directory.appendingPathComponent("names.tsv")
        try Data((names.joined(separator: "\n") + "\n").utf8).write(to: namesFile)
        let folders = try ClassFolders(root: directory, classNamesFile: namesFile)
        #expect(folders.count == Self.count + 1)
        let prompts = try ZeroShotClassifier(model: model, labels: folders.classNames, templates: ZeroShotTemplates.photo)
        let onDisk = try ZeroShotEvaluation(model: model, classifier: prompts, batchSize: 10).run(on: folders)
        #expect(onDisk.unreadable.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["broken.png"])
        #expect(onDisk.accuracy.count == Self.count)
        #expect(onDisk.accuracy.accuracy(k: 1) == inMemory.accuracy(k: 1) && onDisk.accuracy.accuracy(k: 5) == inMemory.accuracy(k: 5))

        // The CLIP_benchmark result of the run, field by field.
        let result = CLIPBenchmarkResult(classification: onDisk.accuracy, dataset: "fashion_mnist", model: "clipkit-default",
                                         pretrained: "clipkit-default")
        let object = try #require(try JSONSerialization.jsonObject(with: try result.jsonData()) as? [String: Any])
        #expect(Set(object.keys) == ["dataset", "model", "pretrained", "task", "metrics", "language"])
        #expect(object["task"] as? String == "zeroshot_classification" && object["language"] as? String == "en")
        let metrics = try #require(object["metrics"] as? [String: Double])
        #expect(Set(metrics.keys) == ["acc1", "acc5", "mean_per_class_recall"])
        #expect(metrics["acc1"] == inMemory.accuracy(k: 1) && metrics["mean_per_class_recall"] == onDisk.accuracy.balancedAccuracy)
    }
}
