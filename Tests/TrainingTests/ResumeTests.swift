import Foundation
import NN
import Optim
import Tensor
import TestSupport
import Testing
@testable import Training

/// A run interrupted by a checkpoint continues exactly: N steps, save, a fresh process-like
/// rebuild, resume, N more steps gives bit-identical weights, buffers and optimiser moments to
/// 2N steps in one go. The run exercises everything a checkpoint must carry: Adam moments and
/// step count, a cosine schedule's position, per-tensor clipping, batch-norm running statistics,
/// the triplet sampler's RNG (flips included) and the trainer's RNG.
@Suite struct ResumeTests {
    static func configuration(steps: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(seed: 5)
        configuration.training = LoopConfiguration(steps: steps, stepsPerEpoch: 2, logInterval: 1,
                                                   gradientClipping: GradientClippingOption(mode: .perTensor, maxNorm: 0.5),
                                                   quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adam, learningRate: 3e-3)
        configuration.schedule = ScheduleConfiguration(kind: .cosine, warmupSteps: 2)
        configuration.triplet.backbone.smallCNN = SmallConvolutionalNetwork.Configuration(channels: [4, 8])
        configuration.triplet.head = SiameseTripletNetwork.Head(hiddenWidth: 16, embeddingWidth: 8)
        configuration.triplet.tripletsPerBatch = 6
        configuration.triplet.flipProbability = 0.5
        configuration.triplet.data.trainPerClass = 20
        configuration.triplet.data.testPerClass = 5
        configuration.triplet.evaluation = .init(triplets: 50)
        return configuration
    }

    @Test func resumedRunMatchesUninterruptedRunBitForBit() throws {
        let steps = 4
        let folder = try TemporaryFolder()
        let straight = try TripletTraining(configuration: Self.configuration(steps: 2 * steps), outputDirectory: nil, write: { _ in })
        try straight.trainer.train()

        let first = try TripletTraining(configuration: Self.configuration(steps: 2 * steps), outputDirectory: folder.url, write: { _ in })
        try first.trainer.train(stopStep: steps)
        let checkpoint = try first.trainer.saveCheckpoint()
        #expect(checkpoint.lastPathComponent == "step-00000004.safetensors")

        // A new run built from the same configuration (as `--resume` does) picks up the state.
        let second = try TripletTraining(configuration: Self.configuration(steps: 2 * steps), outputDirectory: folder.url, write: { _ in })
        try second.trainer.resume(from: folder.url)
        #expect(second.trainer.step == steps && second.trainer.epoch == 2)
        try second.trainer.train()

        let expected = TrainingTestData.snapshot(straight.trainer), actual = TrainingTestData.snapshot(second.trainer)
        TrainingTestData.expectSameSnapshots(resumed: actual, uninterrupted: expected)
        #expect(straight.trainer.optimizer.stepCount == 2 * steps && second.trainer.optimizer.stepCount == 2 * steps)
        #expect(straight.trainer.generator == second.trainer.generator)
        // Batch-norm statistics moved, so the comparison covered them.
        let runningMean = try #require(second.network.parameterDictionary["backbone.stages.0.normalization.running_mean"])
        #expect(runningMean.value.scalars != [Float](repeating: 0, count: 4))
        #expect(second.network.parameterDictionary["backbone.stages.0.normalization.num_batches_tracked"]?.value.item == Float(2 * steps))

        // Another step count in the file than in memory would be caught by value, not by luck:
        // a run resumed one step late no longer matches.
        let late = try TripletTraining(configuration: Self.configuration(steps: 2 * steps), outputDirectory: nil, write: { _ in })
        try late.trainer.resume(from: checkpoint)
        _ = late.trainer.source.nextBatch()
        try late.trainer.train()
        #expect(TrainingTestData.snapshot(late.trainer)["model.embedding.weight"]! != expected["model.embedding.weight"]!)
    }

    @Test func checkpointsRejectAnotherOptimiser() throws {
        let folder = try TemporaryFolder()
        let run = try TripletTraining(configuration: Self.configuration(steps: 1), outputDirectory: folder.url, write: { _ in })
        try run.trainer.train()
        var sgdConfiguration = Self.configuration(steps: 1)
        sgdConfiguration.optimizer.kind = .sgd
        let other = try TripletTraining(configuration: sgdConfiguration, outputDirectory: nil, write: { _ in })
        #expect(throws: TrainingError.optimizerMismatch(path: TrainingCheckpoint.url(forStep: 1, in: folder.url).path,
                                                        stored: "adam", configured: "sgd")) {
            try other.trainer.resume(from: folder.url)
        }
    }

    /// `beginRun` writes `configuration.json`, and warns on resume only when the checkpoint's
    /// configuration differs in more than the run's length, output, checkpoint interval and quietness.
    @Test func beginningARunWritesItsConfigurationAndWarnsOnlyOnARealChange() throws {
        let folder = try TemporaryFolder()
        let stored = Self.configuration(steps: 8)
        let checkpoint = folder.url.appendingPathComponent("checkpoint")
        let restore = { (url: URL) -> String? in
            #expect(url == checkpoint)
            return String(decoding: try stored.encoded(), as: UTF8.self)
        }
        var longer = Self.configuration(steps: 8)
        longer.training.checkpointInterval = 3
        longer.training.quiet = false
        longer.output = "elsewhere"
        #expect(try longer.beginRun(output: folder.url, resumingFrom: nil, restore: restore) == nil)
        #expect(try TrainingConfiguration.decode(Data(contentsOf: folder.url.appendingPathComponent("configuration.json"))) == longer)
        #expect(try longer.beginRun(output: folder.url, resumingFrom: checkpoint, restore: restore) == nil)
        var changed = Self.configuration(steps: 16)   // the cosine schedule spans the run: its length matters
        #expect(try changed.beginRun(output: folder.url, resumingFrom: checkpoint, restore: restore)?.contains("another configuration") == true)
        changed = Self.configuration(steps: 8)
        changed.optimizer.learningRate = 1e-3
        #expect(try changed.beginRun(output: folder.url, resumingFrom: checkpoint, restore: restore)?.contains("another configuration") == true)
    }
}
