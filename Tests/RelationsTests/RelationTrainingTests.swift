import Foundation
import Relations
import TestSupport
import Testing
import Training

/// Task `sa_clip` end to end on the installed default towers (EfficientNet-Lite0 locked,
/// all-MiniLM-L6-v2), small enough to take seconds: training raises held-out true/false accuracy
/// above chance, a saved model loads back with the same features, and resuming is exact.
@Suite(.serialized) struct RelationTrainingTests {
    static func configuration(steps: Int, output: URL?) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(task: .saCLIP, seed: 3)
        configuration.output = output?.path
        configuration.training = LoopConfiguration(steps: steps, logInterval: 100, validateEachEpoch: false, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adamW, learningRate: 5e-4, epsilon: 1e-8, weightDecay: 0.01)
        configuration.saCLIP = RelationTaskConfiguration(
            data: .init(spatialCount: 64, validationCount: 48, imageSize: 64), anchorsPerBatch: 8, inputSize: 64)
        return configuration
    }

    @Test func shortTrainingRaisesHeldOutAccuracyAboveChance() throws {
        let training = try RelationTraining(configuration: Self.configuration(steps: 16, output: nil), outputDirectory: nil)
        training.trainer.write = { _ in }
        let before = try #require(try training.evaluate())
        try training.trainer.train()
        let after = try #require(try training.evaluate())
        print("sa_clip test run: paired accuracy \(before.pairedAccuracy) → \(after.pairedAccuracy)")
        #expect(after.captions == 96)
        #expect(after.pairedAccuracy >= 0.6)
        #expect(after.pairedAccuracy > before.pairedAccuracy)
    }

    /// 4 steps in one go, and 2 steps, a checkpoint, a new process's worth of objects, 2 more
    /// (`configuration(steps, output)` gives the run's configuration).
    static func straightAndResumed(in folder: TemporaryFolder, _ configuration: (Int, URL) -> TrainingConfiguration) throws
        -> (straight: RelationTraining, resumed: RelationTraining) {
        let output = folder.url.appendingPathComponent("run")
        let straight = try RelationTraining(configuration: configuration(4, output), outputDirectory: output)
        straight.trainer.write = { _ in }
        try straight.trainer.train()
        let resumedOutput = folder.url.appendingPathComponent("resumed")
        let first = try RelationTraining(configuration: configuration(4, resumedOutput), outputDirectory: resumedOutput)
        first.trainer.write = { _ in }
        try first.trainer.train(stopStep: 2)
        let second = try RelationTraining(configuration: configuration(4, resumedOutput), outputDirectory: resumedOutput)
        second.trainer.write = { _ in }
        try second.trainer.resume(from: resumedOutput)
        try second.trainer.train()
        return (straight, second)
    }

    @Test func savedModelLoadsBackAndResumeIsExact() throws {
        let folder = try TemporaryFolder()
        let output = folder.url.appendingPathComponent("run")
        let (straight, second) = try Self.straightAndResumed(in: folder) { Self.configuration(steps: $0, output: $1) }
        let expected = Dictionary(uniqueKeysWithValues: straight.model.namedParameters.map { ($0.name, $0.parameter.value.scalars) })
        for (name, parameter) in second.model.namedParameters where parameter.isTrainable {
            #expect(parameter.value.scalars == expected[name], "\(name) after resuming")
        }
        // Save and load: the same text and image features.
        let file = folder.url.appendingPathComponent("model.safetensors")
        try straight.model.save(to: file, configuration: Self.configuration(steps: 4, output: output))
        let (loaded, configuration) = try RelationAwareCLIP.load(contentsOf: file)
        #expect(configuration.task == .saCLIP)
        let examples = Array(straight.data.validation.prefix(6))
        let features = straight.validationFeatures!.rows(Array(0..<6))
        #expect(try loaded.embedTexts(examples.map(\.caption), triples: examples.map(\.triple)).scalars
                == straight.model.embedTexts(examples.map(\.caption), triples: examples.map(\.triple)).scalars)
        #expect(loaded.embedImages(features).scalars == straight.model.embedImages(features).scalars)
    }

    @Test func badConfigurationsAreRejected() throws {
        var configuration = Self.configuration(steps: 1, output: nil)
        configuration.saCLIP.locksImageTower = false
        #expect(throws: RelationError.self) { try RelationTraining(configuration: configuration, outputDirectory: nil) }
        configuration = Self.configuration(steps: 1, output: nil)
        configuration.saCLIP.anchorsPerBatch = 200
        #expect(throws: RelationError.self) { try RelationTraining(configuration: configuration, outputDirectory: nil) }
        #expect(throws: TrainingError.self) {
            try TrainingConfiguration.decode(Data(#"{"task": "sa_clip", "sa_clip": {"anchors": 3}}"#.utf8))
        }
    }
}
