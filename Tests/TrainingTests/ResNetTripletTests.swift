import Foundation
import Models
import NN
import Optim
import Tensor
import TestSupport
import Testing
@testable import Training

/// The triplet task with the fashion notebook's tower, a torchvision ResNet (`backbone.kind
/// "resnet50"`; here a narrow one so that it runs in seconds) whose BatchNorm layers train on
/// batch statistics: the loss goes down, the running statistics move only in training steps (the
/// per-epoch validation embeds in inference mode), and an interrupted run resumes bit for bit.
@Suite struct ResNetTripletTests {
    static func configuration(steps: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(seed: 23)
        configuration.training = LoopConfiguration(steps: steps, stepsPerEpoch: 4, logInterval: 1, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adam, learningRate: 3e-3)
        configuration.triplet.backbone.kind = .resnet50
        configuration.triplet.backbone.resnet = ResNetConfiguration(layers: [1, 1, 1, 1], planes: [4, 8, 8, 8], stemWidth: 8)
        configuration.triplet.head = SiameseTripletNetwork.Head(hiddenWidth: 16, embeddingWidth: 8)
        configuration.triplet.tripletsPerBatch = 8
        configuration.triplet.data.trainPerClass = 20
        configuration.triplet.data.testPerClass = 5
        configuration.triplet.evaluation = .init(triplets: 50)
        return configuration
    }

    @Test func resNetBackboneTrainsWithBatchStatistics() throws {
        let steps = 12
        let training = try TripletTraining(configuration: Self.configuration(steps: steps), outputDirectory: nil, write: { _ in })
        #expect(training.network.backbone is ResNet && training.network.expandsGreyToRGB)
        #expect(training.network.parameterDictionary["backbone.layer4.0.downsample.1.running_var"] != nil)
        #expect(training.network.parameterDictionary["backbone.fc.weight"] == nil)
        try training.trainer.train()
        let losses = training.trainer.history.trainingLossPoints.map(\.1)
        #expect(losses.count == steps)
        let first = losses.prefix(3).reduce(0, +) / 3, last = losses.suffix(3).reduce(0, +) / 3
        #expect(last < first, "mean loss of the first 3 steps \(first), of the last 3 \(last)")
        // One running-statistics update per training step; validation ran in inference mode.
        #expect(training.network.parameterDictionary["backbone.bn1.num_batches_tracked"]?.value.item == Float(steps))
        #expect(training.network.modeDependentLayers.allSatisfy { $0.layer.modeState.mode == .training })
    }

    @Test func backboneOptionsDecodeAndAMissingCheckpointFails() throws {
        let json = #"""
        {"task": "triplet", "output": "runs/resnet",
         "triplet": {"backbone": {"kind": "resnet50", "weights": "/nonexistent/resnet50-0676ba61.pth",
                                  "resnet": {"layers": [1, 1, 1, 1], "planes": [4, 8, 8, 8], "stem_width": 8}},
                     "data": {"train_per_class": 2, "test_per_class": 2}}}
        """#
        let configuration = try TrainingConfiguration.decode(Data(json.utf8))
        #expect(configuration.triplet.backbone.kind == .resnet50)
        #expect(configuration.triplet.backbone.resnet?.planes == [4, 8, 8, 8] && configuration.triplet.backbone.resnet?.stemWidth == 8)
        #expect(configuration.triplet.backbone.weights == "/nonexistent/resnet50-0676ba61.pth")
        #expect(throws: (any Error).self) {
            _ = try TripletTraining(configuration: configuration, outputDirectory: nil, write: { _ in })
        }
        #expect(throws: TrainingError.self) {
            try TrainingConfiguration.decode(Data(#"{"triplet": {"backbone": {"kind": "resnet50", "weight": "x.pth"}}}"#.utf8))
        }
    }

    @Test func resNetBackboneResumesBitForBit() throws {
        let steps = 3
        let folder = try TemporaryFolder()
        let straight = try TripletTraining(configuration: Self.configuration(steps: 2 * steps), outputDirectory: nil, write: { _ in })
        try straight.trainer.train()

        let first = try TripletTraining(configuration: Self.configuration(steps: 2 * steps), outputDirectory: folder.url, write: { _ in })
        try first.trainer.train(stopStep: steps)
        try first.trainer.saveCheckpoint()
        let second = try TripletTraining(configuration: Self.configuration(steps: 2 * steps), outputDirectory: folder.url, write: { _ in })
        try second.trainer.resume(from: folder.url)
        try second.trainer.train()

        let expected = TrainingTestData.snapshot(straight.trainer), actual = TrainingTestData.snapshot(second.trainer)
        TrainingTestData.expectSameSnapshots(resumed: actual, uninterrupted: expected)
        let runningMean = try #require(second.network.parameterDictionary["backbone.layer1.0.bn1.running_mean"])
        #expect(runningMean.value.scalars != [Float](repeating: 0, count: 4))
    }
}
