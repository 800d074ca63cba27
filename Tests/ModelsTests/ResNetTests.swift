import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Tensor
import TestSupport
import Testing

/// torchvision's ResNet (`scripts/fixtures/resnet.py`): narrow random-weight networks built from
/// torchvision's own `Bottleneck` or `BasicBlock` and `ResNet._make_layer` match its outputs to
/// max |Δ| ≤ 1e-4 · max |ref|, and the ResNet-50 preset has exactly torchvision resnet50's
/// parameter names and shapes.
@Suite struct ResNetTests {
    struct ParameterList: Decodable {
        let parameters: [[ShapeOrName]]

        enum ShapeOrName: Decodable {
            case name(String)
            case shape([Int])
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let name = try? container.decode(String.self) { self = .name(name) } else { self = .shape(try container.decode([Int].self)) }
            }
        }

        var entries: [(name: String, shape: [Int])] {
            parameters.compactMap { pair in
                guard case .name(let name) = pair.first, case .shape(let shape) = pair.last else { return nil }
                return (name, shape)
            }
        }
    }

    struct NarrowCases: Decodable {
        let cases: [String: ResNetConfiguration]
    }

    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("resnet", "narrow.safetensors")) }

    /// Tensors of one case with the `<case>.` prefix removed.
    func tensors(_ name: String) throws -> [String: Tensor] { try Self.fixture.get().tensors(under: name) }

    @Test func resnet50PresetHasTorchvisionsParameters() throws {
        let reference = try decodeFixture(ParameterList.self, from: TestPaths.fixture("resnet", "resnet50_parameters.json")).entries
        #expect(reference.count == 320)
        let model = ResNet(configuration: .resnet50)
        let actual = model.namedParameters.map { ($0.name, $0.parameter.value.shape) }
        #expect(actual.map(\.0) == reference.map(\.name))
        for ((name, shape), expected) in zip(actual, reference) {
            #expect(shape == expected.shape, "\(name)")
        }
        #expect(model.configuration.featureChannels == 2048)
        let trainable = model.namedParameters.filter { $0.parameter.isTrainable }.reduce(0) { $0 + $1.parameter.value.count }
        #expect(trainable == 25_557_032)  // torchvision resnet50's parameter count
        // torchvision's names load strictly, with and without the classifier.
        let zeros = Dictionary(uniqueKeysWithValues: reference.map { ($0.name, Tensor(zeros: $0.shape)) })
        try model.loadWeights(zeros, mapping: model.weightMapping, source: "resnet50")
        var headless = ResNetConfiguration.resnet50
        headless.classCount = nil
        let backbone = ResNet(configuration: headless)
        try backbone.loadWeights(zeros, mapping: backbone.weightMapping, source: "resnet50")
        #expect(backbone.classifier == nil && backbone.namedParameters.count == 318)
    }

    @Test func resnet18PresetHasTorchvisionsParameters() {
        let model = ResNet(configuration: .resnet18)
        let names = model.namedParameters.map(\.name)
        #expect(names.count == 122)  // torchvision resnet18's state-dict entries
        let trainable = model.namedParameters.filter { $0.parameter.isTrainable }.reduce(0) { $0 + $1.parameter.value.count }
        #expect(trainable == 11_689_512)  // torchvision resnet18's parameter count
        #expect(names.contains("layer2.0.downsample.0.weight") && !names.contains("layer1.0.downsample.0.weight"))
        #expect(!names.contains { $0.hasSuffix("conv3.weight") })
        #expect(model.configuration.featureChannels == 512)
    }

    @Test(arguments: ["narrow", "narrow_grouped", "narrow_basic"])
    func narrowNetworkMatchesTorchvision(name: String) throws {
        let configuration = try #require(try decodeFixture(NarrowCases.self, from: TestPaths.fixture("resnet", "narrow.json")).cases[name])
        let data = try tensors(name)
        let model = ResNet(configuration: configuration)
        try model.loadWeights(data.filter { !["input", "logits", "features"].contains($0.key) }, mapping: model.weightMapping,
                              source: name)
        let input = try #require(data["input"])
        for (actual, key) in [(model.logits(input), "logits"), (model.pooledFeatures(input), "features")] {
            let expected = try #require(data[key])
            #expect(actual.shape == expected.shape, "\(name) \(key)")
            let difference = actual.maxAbsoluteDifference(expected)
            #expect(difference <= 1e-4 * expected.abs().max(), "\(name) \(key): max |Δ| = \(difference)")
        }
    }

    @Test func loadingFailsLoudly() throws {
        var data = try tensors("narrow").filter { !["input", "logits", "features"].contains($0.key) }
        let configuration = try #require(try decodeFixture(NarrowCases.self, from: TestPaths.fixture("resnet", "narrow.json")).cases["narrow"])
        data["layer1.1.downsample.0.weight"] = Tensor(zeros: [32, 32, 1, 1])  // the second block has no shortcut projection
        data["layer2.0.bn2.running_var"] = nil
        #expect {
            let model = ResNet(configuration: configuration)
            try model.loadWeights(data, mapping: model.weightMapping, source: "narrow")
        } throws: { error in
            let message = "\(error)"
            return message.contains("layer2.0.bn2.running_var") && message.contains("layer1.1.downsample.0.weight")
        }
    }

    @Test func configurationDecodesTorchvisionArguments() throws {
        let json = #"{"layers": [3, 4, 6, 3], "num_classes": 1000}"#
        #expect(try JSONDecoder().decode(ResNetConfiguration.self, from: Data(json.utf8)) == .resnet50)
        let data = try JSONEncoder().encode(ResNetConfiguration.resnet101)
        #expect(try JSONDecoder().decode(ResNetConfiguration.self, from: data) == .resnet101)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ResNetConfiguration.self, from: Data(#"{"layers": [3, 4, 6]}"#.utf8))
        }
        let basic = #"{"layers": [2, 2, 2, 2], "block": "basic", "num_classes": 1000}"#
        #expect(try JSONDecoder().decode(ResNetConfiguration.self, from: Data(basic.utf8)) == .resnet18)
        #expect(ResNetConfiguration.resnet18.expansion == 1)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ResNetConfiguration.self, from: Data(#"{"layers": [2, 2, 2, 2], "block": "basic", "groups": 32}"#.utf8))
        }
        let resnext = ResNetConfiguration(layers: [3, 4, 6, 3], groups: 32, widthPerGroup: 4)
        #expect((0..<4).map { resnext.innerWidth(stage: $0) } == [128, 256, 512, 1024])
        #expect(ResNetConfiguration.resnet50.preprocessing.resizeSize == 256)
        #expect(ResNetConfiguration.resnet50.preprocessing.interpolation == .bilinear)
    }
}
