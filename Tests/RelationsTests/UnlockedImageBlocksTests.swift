import Autograd
import Foundation
import Models
import NN
@testable import Relations
import Tensor
import TestSupport
import Testing
import Training

/// `sa_clip.unlocked_image_blocks`: the locked EfficientNet-Lite0 with its last block and head
/// trained on cached prefix maps. A seconds-long run still learns and changes the suffix only;
/// the model's image features from prefix maps equal those from the whole (updated) encoder, which
/// evaluation and anomaly scoring use; resuming is exact. Also the traffic frames' own positives
/// rule (`objective.traffic_positives`).
@Suite(.serialized) struct UnlockedImageBlocksTests {
    static func configuration(steps: Int, output: URL?, blocks: Int = 1) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(task: .saCLIP, seed: 3)
        configuration.output = output?.path
        configuration.training = LoopConfiguration(steps: steps, logInterval: 100, validateEachEpoch: false, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adamW, learningRate: 5e-4, epsilon: 1e-8, weightDecay: 0.01)
        configuration.saCLIP = RelationTaskConfiguration(
            data: .init(spatialCount: 64, validationCount: 48, imageSize: 64), anchorsPerBatch: 8, inputSize: 64,
            unlockedImageBlocks: blocks)
        return configuration
    }

    @Test func shortTrainingWithAnUnlockedSuffixLearnsAndMovesTheSuffixOnly() throws {
        let training = try RelationTraining(configuration: Self.configuration(steps: 16, output: nil), outputDirectory: nil)
        training.trainer.write = { _ in }
        #expect(training.trainFeatures.mapShape == [192, 2, 2])  // the last block's input at 64 px
        let trainable = Set(training.model.namedParameters.filter { $0.parameter.isTrainable }.map(\.name).filter { $0.hasPrefix("visual.") }
            .map { $0.split(separator: ".").prefix(3).joined(separator: ".") })
        #expect(trainable == ["visual.blocks.15", "visual.conv_head.weight", "visual.bn1.weight", "visual.bn1.bias"])
        let initial = Dictionary(uniqueKeysWithValues: training.model.namedParameters.map { ($0.name, $0.parameter.value.scalars) })
        let before = try #require(try training.evaluate())
        try training.trainer.train()
        let after = try #require(try training.evaluate())
        print("sa_clip unlocked-suffix test run: paired accuracy \(before.pairedAccuracy) → \(after.pairedAccuracy)")
        #expect(after.pairedAccuracy >= 0.6)
        #expect(after.pairedAccuracy > before.pairedAccuracy)
        for (name, parameter) in training.model.namedParameters where name.hasPrefix("visual.") && !parameter.isBuffer {
            let moved = parameter.value.scalars != initial[name]
            #expect(moved == parameter.isTrainable, "\(name): trainable \(parameter.isTrainable), moved \(moved)")
        }
        // Prefix maps through the trained suffix = the whole trained encoder's pooled features.
        let model = training.model
        let examples = Array(training.data.validation.prefix(5))
        let pooled = try RelationImageFeatures.compute(examples, encoder: model.imageEncoder, preprocessing: model.preprocessing,
                                                       regionMargin: 0.15)
        #expect(pooled.mapShape == nil)
        let fromMaps = model.embedImages(training.validationFeatures!.rows(Array(0..<5)))  // [5, width]
        let fromWhole = model.embedImages(pooled)  // [5, width]
        #expect(fromMaps.maxAbsoluteDifference(fromWhole) <= 1e-5)
    }

    @Test func resumeWithAnUnlockedSuffixIsExact() throws {
        let folder = try TemporaryFolder()
        let output = folder.url.appendingPathComponent("run")
        let (straight, second) = try RelationTrainingTests.straightAndResumed(in: folder) { Self.configuration(steps: $0, output: $1) }
        let expected = Dictionary(uniqueKeysWithValues: straight.model.namedParameters.map { ($0.name, $0.parameter.value.scalars) })
        var checkedSuffix = 0
        for (name, parameter) in second.model.namedParameters where parameter.isTrainable {
            #expect(parameter.value.scalars == expected[name], "\(name) after resuming")
            if name.hasPrefix("visual.") { checkedSuffix += 1 }
        }
        #expect(checkedSuffix > 0)
        // A saved model loads back with the unlocked suffix's weights.
        let file = folder.url.appendingPathComponent("model.safetensors")
        try straight.model.save(to: file, configuration: Self.configuration(steps: 4, output: output))
        let (loaded, configuration) = try RelationAwareCLIP.load(contentsOf: file)
        #expect(configuration.saCLIP.unlockedImageBlocks == 1)
        let features = straight.validationFeatures!.rows(Array(0..<6))
        #expect(loaded.embedImages(features).scalars == straight.model.embedImages(features).scalars)
    }

    @Test func badUnlockedBlocksAreRejected() throws {
        var configuration = Self.configuration(steps: 1, output: nil, blocks: 17)
        #expect(throws: RelationError.self) { try RelationTraining(configuration: configuration, outputDirectory: nil) }
        configuration = Self.configuration(steps: 1, output: nil, blocks: -1)
        #expect(throws: TrainingError.self) { try configuration.validate() }
        #expect(throws: TrainingError.self) {
            try TrainingConfiguration.decode(Data(#"{"task": "sa_clip", "sa_clip": {"unlocked_image_blocks": -2}}"#.utf8))
        }
        let decoded = try TrainingConfiguration.decode(Data(#"{"task": "sa_clip", "sa_clip": {"unlocked_image_blocks": 1, "objective": {"traffic_positives": "triple"}}}"#.utf8))
        #expect(decoded.saCLIP.unlockedImageBlocks == 1 && decoded.saCLIP.objective.trafficPositives == .triple)
    }

    @Test func trafficFramesCanTakeTriplePositivesWhileScenesTakeRelations() throws {
        let (carOnRoad, carOnRoadTriple) = try TrafficScenes.captioned(("car", "driving on", "road"))
        let (_, carOnSidewalkTriple) = try TrafficScenes.captioned(("car", "driving on", "sidewalk"))
        _ = carOnRoad
        let miner = try RelationMiner.installed()
        let cubeLeft = try #require(miner.triple(in: "The red cube is to the left of the blue sphere."))
        let sphereLeft = try #require(miner.triple(in: "The green sphere is left of the red cylinder."))
        let triples = [cubeLeft, sphereLeft, carOnRoadTriple, carOnSidewalkTriple, carOnRoadTriple]
        let byRelation = PositiveKeys.keys(triples, positives: .relation)
        #expect(byRelation == [0, 0, 1, 1, 1])  // "driving on" pairs the normal and the anomalous frame
        let mixed = PositiveKeys.keys(triples, positives: [.relation, .relation, .triple, .triple, .triple])
        #expect(mixed == [0, 0, 1, 2, 1])
        #expect(PositiveKeys.keys(triples, positives: .triple) == PositiveKeys.keys(triples, positives: [.triple, .triple, .triple, .triple, .triple]))
    }
}
