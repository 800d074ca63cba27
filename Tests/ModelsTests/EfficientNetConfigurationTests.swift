import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Tensor
import TestSupport
import Testing

/// Presets and scaling rules against `efficientnet_lite_pytorch`'s models
/// (`Tests/Fixtures/efficientnet/presets.json`: every state-dict name and shape of lite0 … lite4).
@Suite struct EfficientNetConfigurationTests {
    struct Preset: Decodable {
        let image_size: Int
        let dropout_rate: Double
        let blocks: Int
        let parameters: [Parameter]

        struct Parameter: Decodable {
            let name: String
            let shape: [Int]
            init(from decoder: Decoder) throws {
                var container = try decoder.unkeyedContainer()
                name = try container.decode(String.self)
                shape = try container.decode([Int].self)
            }
        }
    }

    static let presets = Result { try decodeFixture([String: Preset].self, from: TestPaths.fixture("efficientnet", "presets.json")) }

    @Test(arguments: ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2", "efficientnet-lite3", "efficientnet-lite4"])
    func presetHasTheReferenceParameters(name: String) throws {
        let reference = try #require(try Self.presets.get()[name])
        let configuration = try #require(EfficientNetConfiguration.presets[name])
        #expect(configuration.imageSize == reference.image_size)
        #expect(configuration.dropoutRate == reference.dropout_rate)
        #expect(configuration.blocks.count == reference.blocks)
        let model = EfficientNet(configuration: configuration)
        let expected = try reference.parameters.map { (try KeyRule.apply(EfficientNetWeightMapping.rules, to: $0.name), $0.shape) }
        let actual = model.namedParameters.map { ($0.name, $0.parameter.value.shape) }
        #expect(actual.map(\.0) == expected.map(\.0), "\(name): names or order differ")
        for ((actualName, actualShape), (_, expectedShape)) in zip(actual, expected) {
            #expect(actualShape == expectedShape, "\(name) \(actualName)")
        }
        // The unmapped reference names load strictly into the preset.
        let zeros = Dictionary(uniqueKeysWithValues: reference.parameters.map { ($0.name, Tensor(zeros: $0.shape)) })
        try model.loadWeights(zeros, mapping: model.weightMapping, source: name)
    }

    @Test func liteZeroLayout() {
        let lite0 = EfficientNetConfiguration.lite0
        #expect(lite0.blocks.count == 16)
        #expect(lite0.scaledStemChannels == 32 && lite0.featureChannels == 1280)
        #expect(lite0.blocks.first == MobileInvertedBottleneckConfiguration(
            inputChannels: 32, outputChannels: 16, expansionRatio: 1, kernelSize: 3, stride: 1))
        #expect(lite0.blocks.map(\.hasShortcut).filter { $0 }.count == 9)
        #expect(lite0.batchNormEpsilon == 1e-3 && lite0.activation == .relu6)
        let model = EfficientNet(configuration: lite0)
        let count = model.namedParameters.filter { $0.parameter.isTrainable }.reduce(0) { $0 + $1.parameter.value.count }
        #expect(count == 4_652_008)  // EfficientNet-Lite0's published 4.7 M parameters
    }

    @Test func scalingRulesFollowTheTensorFlowFormulas() {
        let lite4 = EfficientNetConfiguration.lite4  // width 1.4, depth 1.8
        #expect(lite4.scaledChannels(16) == 24)      // 22.4 → 24
        #expect(lite4.scaledChannels(40) == 56)
        #expect(lite4.scaledChannels(320) == 448)
        #expect(lite4.scaledRepeats(3) == 6)         // ⌈5.4⌉
        #expect(lite4.scaledRepeats(2) == 4)         // ⌈3.6⌉
        // Stem and head stay fixed, and so do the first and last stages' repeats.
        #expect(lite4.scaledStemChannels == 32 && lite4.featureChannels == 1280)
        #expect(lite4.blocks.first?.inputChannels == 32 && lite4.blocks.first?.outputChannels == 24)
        #expect(lite4.blocks.filter { $0.kernelSize == 3 && $0.outputChannels == 448 }.count == 1)
        // Without the fix the stem and head scale too.
        var scaled = lite4
        scaled.fixedStemAndHead = false
        #expect(scaled.scaledStemChannels == 48 && scaled.featureChannels == 1792)
        // Rounding never loses more than 10 %.
        var narrow = EfficientNetConfiguration.lite0
        narrow.widthMultiplier = 0.25
        #expect(narrow.scaledChannels(40) == 16)     // 10 rounds to 8, which is < 9, so 16
        #expect(narrow.scaledChannels(16) == 8)      // at least the divisor
    }

    @Test func codableUsesTheReferenceFieldNames() throws {
        let data = try JSONEncoder().encode(EfficientNetConfiguration.lite2)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["width_coefficient"] as? Double == 1.1)
        #expect(object["depth_coefficient"] as? Double == 1.2)
        #expect(object["relu_fn"] as? String == "relu6")
        #expect(object["padding"] as? String == "static")
        #expect((object["blocks_args"] as? [[String: Any]])?.first?["expand_ratio"] as? Int == 1)
        #expect(try JSONDecoder().decode(EfficientNetConfiguration.self, from: data) == .lite2)

        let minimal = #"{"width_coefficient": 1.0, "depth_coefficient": 1.1, "image_size": 240, "num_classes": 1000}"#
        let decoded = try JSONDecoder().decode(EfficientNetConfiguration.self, from: Data(minimal.utf8))
        #expect(decoded == .lite1)
        #expect(decoded.preprocessing == .efficientNetLite(imageSize: 240))
        let headless = #"{"width_coefficient": 1.0, "depth_coefficient": 1.0, "image_size": 224}"#
        #expect(try JSONDecoder().decode(EfficientNetConfiguration.self, from: Data(headless.utf8)).classCount == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EfficientNetConfiguration.self, from: Data(#"{"width_coefficient": 1, "depth_coefficient": 1, "image_size": 0}"#.utf8))
        }
    }

    @Test func litePreprocessingIsTheInceptionStyleNormalisation() {
        let preprocessing = Preprocessing.efficientNetLite0
        #expect(preprocessing.imageSize == 224 && preprocessing.resizeSize == 256)
        #expect(preprocessing.interpolation == .bicubic && preprocessing.resizeMode == .shortest)
        // (x − 127) / 128 on 0…255 samples.
        let tensor = RGBImage(width: 1, height: 1, red: 0, green: 127, blue: 255).normalizedTensor(
            mean: preprocessing.mean, std: preprocessing.std)
        #expect(abs(tensor.scalars[0] - (-127.0 / 128)) < 1e-6)
        #expect(abs(tensor.scalars[1]) < 1e-6)
        #expect(abs(tensor.scalars[2] - 1) < 1e-6)
        #expect(EfficientNetConfiguration.lite3.preprocessing.resizeSize == 312)
    }
}
