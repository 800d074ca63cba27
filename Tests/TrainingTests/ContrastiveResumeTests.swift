import Foundation
import NN
import Optim
import Tensor
import TestSupport
import Testing
@testable import Training

/// A contrastive run resumes exactly: a tiny CLIP from scratch trained 2N steps in one go equals
/// N steps, a checkpoint, a rebuilt run (as `clipkit train --resume` builds it) and N more, bit
/// for bit in every weight (the logit scale included) and every AdamW moment. The run uses what
/// the checkpoint must carry: random resized crops and flips (the source's generator), the
/// shuffled data order, a cosine schedule with warm-up and global gradient clipping.
@Suite struct ContrastiveResumeTests {
    static func configuration(steps: Int) -> TrainingConfiguration {
        var configuration = CLIPTrainingTests.configuration(steps: steps)
        configuration.seed = 9
        configuration.training = LoopConfiguration(steps: steps, logInterval: 1,
                                                   gradientClipping: GradientClippingOption(mode: .global, maxNorm: 1), quiet: true)
        configuration.schedule = ScheduleConfiguration(kind: .cosine, warmupSteps: 2)
        configuration.contrastive.batchSize = 8
        configuration.contrastive.data.shapesCount = 20  // 3 batches per epoch: the resume lands mid-epoch
        configuration.contrastive.data.shapesValidationCount = 0
        configuration.contrastive.augmentation = CaptionedAugmentation(cropScale: [0.7, 1.0], flipProbability: 0.5)
        return configuration
    }

    static func run(steps: Int, output: URL?) throws -> ContrastiveRun {
        let run = try ContrastiveTraining.fromScratch(configuration: configuration(steps: steps),
                                                      tokenizer: try CLIPTrainingTests.tokenizer.get(), outputDirectory: output)
        run.trainer.write = { _ in }
        return run
    }

    @Test func resumedContrastiveRunMatchesUninterruptedRun() throws {
        let steps = 4
        let straight = try Self.run(steps: 2 * steps, output: nil)
        try straight.trainer.train()

        let folder = try TemporaryFolder()
        let first = try Self.run(steps: 2 * steps, output: folder.url)
        try first.trainer.train(stopStep: steps)
        _ = try first.trainer.saveCheckpoint()

        let second = try Self.run(steps: 2 * steps, output: folder.url)
        try second.trainer.resume(from: folder.url)
        #expect(second.trainer.step == steps)
        try second.trainer.train()

        let expected = TrainingTestData.snapshot(straight.trainer), actual = TrainingTestData.snapshot(second.trainer)
        TrainingTestData.expectSameSnapshots(resumed: actual, uninterrupted: expected)
        #expect(second.trainer.optimizer.stepCount == 2 * steps)
        #expect(straight.trainer.source.position == second.trainer.source.position)
        // The weights moved, so the comparison is not between two untrained models.
        let untrained = try Self.run(steps: 2 * steps, output: nil)
        #expect(TrainingTestData.snapshot(untrained.trainer)["model.visual.proj"]! != expected["model.visual.proj"]!)
    }
}
