import Foundation
import NN
import Tensor
import Testing
@testable import Training

/// The triplet network learns: short runs (50–100 steps of a small CNN on 3,000 Fashion-MNIST
/// training images, fixed seeds) clearly beat the untrained network on 2,000 fixed triplets of
/// 1,000 test images, with the lossless loss, the margin loss and batch-hard mining. The
/// full-size run and its measured results are in `Docs/Training.md`.
@Suite struct TripletLearningTests {
    static func configuration(objective: TripletObjective, steps: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(seed: 11)
        configuration.training = LoopConfiguration(steps: steps, stepsPerEpoch: steps, logInterval: 10, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adam, learningRate: 3e-3)
        configuration.training.gradientClipping = GradientClippingOption(mode: .perTensor, maxNorm: 5)
        configuration.triplet.backbone.smallCNN = SmallConvolutionalNetwork.Configuration(channels: [8, 16, 32])
        configuration.triplet.objective = objective
        configuration.triplet.tripletsPerBatch = 16
        configuration.triplet.data.trainPerClass = 300
        configuration.triplet.data.testPerClass = 100
        configuration.triplet.evaluation = .init(triplets: 2000, seed: 3)
        return configuration
    }

    /// Trains and returns (untrained, trained) evaluations on the 1,000 held-out images.
    static func run(_ objective: TripletObjective, steps: Int) throws -> (TripletEvaluation, TripletEvaluation, TripletTraining) {
        let training = try TripletTraining(configuration: configuration(objective: objective, steps: steps),
                                           outputDirectory: nil, write: { _ in })
        let untrained = training.evaluate()
        let summary = try training.trainer.train()
        #expect(summary.steps == steps)
        return (untrained, training.evaluate(), training)
    }

    @Test func losslessTripletLossBeatsTheUntrainedNetwork() throws {
        let (untrained, trained, training) = try Self.run(TripletObjective(), steps: 100)
        #expect(trained.tripletAccuracy >= untrained.tripletAccuracy + 0.1,
                "untrained \(untrained.tripletAccuracy), trained \(trained.tripletAccuracy)")
        // The lossless loss pulls positives together and pushes negatives toward N.
        #expect(trained.meanNegativeDistance > trained.meanPositiveDistance * 1.5)
        let losses = training.trainer.history.trainingLossPoints.map(\.1)
        #expect(losses.last! < losses.first! * 0.6, "loss \(losses.first!) → \(losses.last!)")
    }

    @Test func marginTripletLossImprovesAccuracyAndRetrieval() throws {
        let (untrained, trained, _) = try Self.run(TripletObjective(kind: .margin, margin: 1), steps: 100)
        #expect(trained.tripletAccuracy >= 0.8, "triplet accuracy \(trained.tripletAccuracy)")
        #expect(trained.tripletAccuracy >= untrained.tripletAccuracy + 0.15,
                "untrained \(untrained.tripletAccuracy), trained \(trained.tripletAccuracy)")
        #expect(trained.recallAt1 >= untrained.recallAt1 + 0.05, "R@1 untrained \(untrained.recallAt1), trained \(trained.recallAt1)")
    }

    @Test func batchHardMiningLearnsToo() throws {
        let (untrained, trained, _) = try Self.run(TripletObjective(kind: .batchHard, margin: 0.5, classesPerBatch: 6,
                                                                    imagesPerClass: 4), steps: 50)
        #expect(trained.tripletAccuracy >= untrained.tripletAccuracy + 0.05,
                "untrained \(untrained.tripletAccuracy), trained \(trained.tripletAccuracy)")
    }

    @Test func evaluationCountsExactly() {
        // Four 1-D embeddings: classes 0, 0, 1, 1 at 0, 1, 5, 9.
        let embeddings = Tensor(shape: [4, 1], scalars: [0, 1, 5, 9])
        let triplets = [TripletIndices(anchor: 0, positive: 1, negative: 2), TripletIndices(anchor: 2, positive: 3, negative: 1)]
        let result = TripletEvaluation.evaluate(embeddings: embeddings, labels: [0, 0, 1, 1], triplets: triplets, threshold: 10)
        // d(0,1) = 1 < d(0,2) = 25; d(2,3) = 16 = d(2,1) = 16 is not "<".
        #expect(result.tripletAccuracy == 0.5)
        // Nearest neighbours: 0→1 ✓, 1→0 ✓, 2→1 (16 vs 16, first index wins) ✗, 3→2 ✓.
        #expect(result.recallAt1 == 0.75)
        // Pairs: positives 1, 16; negatives 25, 16. At 10: 1 ✓, 16 ✗, 25 ✓, 16 ✓ → 0.75.
        #expect(result.thresholdAccuracy == 0.75)
        #expect(result.bestThresholdAccuracy == 0.75)
        #expect(result.meanPositiveDistance == 8.5 && result.meanNegativeDistance == 20.5)
    }
}
