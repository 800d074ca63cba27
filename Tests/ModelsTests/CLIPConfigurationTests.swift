import Foundation
import Imaging
import Models
import NN
import Tensor
import Testing

/// Presets against OpenCLIP's own descriptions of the released architectures
/// (`architectures.json`: OpenCLIP 3.3.0's model configs and state-dict shapes), and the
/// configuration readers.
@Suite struct CLIPConfigurationTests {
    /// One architecture of `architectures.json`: OpenCLIP's config (re-encoded) and state-dict shapes.
    struct Architecture {
        let openCLIPConfiguration: Data
        let shapes: [String: [Int]]
    }

    static let architectures = Result { () throws -> [String: Architecture] in
        let data = try Data(contentsOf: CLIPFixtures.url("architectures.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        return try object.mapValues { entry in
            let shapes = try #require(entry["shapes"] as? [String: [Int]])
            let configuration = try JSONSerialization.data(withJSONObject: try #require(entry["open_clip_config"]))
            return Architecture(openCLIPConfiguration: configuration, shapes: shapes)
        }
    }

    static let entryNames = ["ViT-B-32", "ViT-B-16", "ViT-L-14", "ViT-L-14-336", "RN50"]

    @Test(arguments: entryNames)
    func presetMatchesOpenCLIPModelConfig(_ name: String) throws {
        let architecture = try #require(try Self.architectures.get()[name])
        let entry = try #require(CLIPModelEntry.named(name))
        // OpenCLIP's base configs use GELU; OpenAI's weights are loaded with quick_gelu forced on.
        let decoded = try CLIPConfiguration(openCLIPJSON: architecture.openCLIPConfiguration)
        #expect(decoded.text.activation == .gelu)
        #expect(decoded.with(activation: .quickGELU) == entry.configuration)
    }

    @Test(arguments: entryNames)
    func presetIsInferredFromOpenCLIPStateDictShapes(_ name: String) throws {
        let architecture = try #require(try Self.architectures.get()[name])
        let entry = try #require(CLIPModelEntry.named(name))
        #expect(try CLIPConfiguration.inferred(fromShapes: architecture.shapes) == entry.configuration)
    }

    @Test func entriesCarryPreprocessingAndAcceptOpenAISpelling() throws {
        #expect(CLIPModelEntry.named("ViT-B/32") == .openAIViTB32)
        #expect(CLIPModelEntry.named("ViT-L/14@336px") == .openAIViTL14At336)
        #expect(CLIPModelEntry.named("rn50") == .openAIRN50)
        #expect(CLIPModelEntry.named("ViT-H-14") == nil)
        #expect(CLIPModelEntry.openAIViTL14At336.preprocessing.imageSize == 336)
        #expect(CLIPModelEntry.openAIViTB32.preprocessing == .openAICLIP)
        for entry in CLIPModelEntry.all {
            #expect(entry.preprocessing.imageSize == entry.configuration.vision.imageSize, "\(entry.name)")
            #expect(entry.configuration.text.activation == .quickGELU, "\(entry.name)")
        }
    }

    @Test func inferenceNamesWhatIsMissing() throws {
        let architecture = try #require(try Self.architectures.get()["ViT-B-32"])
        var shapes = architecture.shapes
        shapes["ln_final.weight"] = nil
        #expect(throws: ModelError.cannotInferConfiguration(source: "x.pt", reason: "it has no tensor ln_final.weight")) {
            try CLIPConfiguration.inferred(fromShapes: shapes, source: "x.pt")
        }
        shapes = architecture.shapes.filter { !$0.key.hasPrefix("visual.") }
        #expect(throws: ModelError.cannotInferConfiguration(
            source: "the checkpoint", reason: "it has neither visual.proj (vision transformer) nor visual.attnpool (modified ResNet)")) {
            try CLIPConfiguration.inferred(fromShapes: shapes)
        }
    }

    @Test func configurationsRoundTripThroughJSON() throws {
        var text = TextTransformerConfiguration.vitB32
        text.pooling = .firstOccurrence(of: 49407)
        for configuration in [CLIPConfiguration.vitB32, .rn50, .vitL14At336.with(activation: .gelu),
                              CLIPConfiguration(vision: .visionTransformer(.vitB16), text: text)] {
            let data = try JSONEncoder().encode(configuration)
            #expect(try JSONDecoder().decode(CLIPConfiguration.self, from: data) == configuration)
        }
        let entry = try JSONDecoder().decode(CLIPModelEntry.self, from: try JSONEncoder().encode(CLIPModelEntry.openAIRN50))
        #expect(entry == .openAIRN50)
    }

    @Test func openCLIPOptionsOutsideTheseTowersAreRefused() throws {
        let json = #"""
        {"embed_dim": 512, "quick_gelu": true,
         "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 32, "attentional_pool": true},
         "text_cfg": {"width": 512, "heads": 8, "layers": 12, "proj_bias": true, "pool_type": "argmax"}}
        """#
        #expect(throws: ModelError.unsupportedConfiguration(
            source: "cfg", reason: "vision_cfg.attentional_pool, text_cfg.proj_bias")) {
            try CLIPConfiguration(openCLIPJSON: Data(json.utf8), source: "cfg")
        }
    }

    @Test func huggingFaceDefaultsAreViTB32WithModernPooling() throws {
        let configuration = try JSONDecoder().decode(HuggingFaceCLIPConfiguration.self, from: Data("{}".utf8)).clipConfiguration()
        var expected = CLIPConfiguration.vitB32
        expected.text.pooling = .firstOccurrence(of: 49407)
        #expect(configuration == expected)
    }

    @Test func huggingFaceLegacyEndOfTextPoolsTheHighestIDAndDictsOverride() throws {
        let json = #"""
        {"projection_dim": 768,
         "text_config": {"eos_token_id": 2, "hidden_size": 512, "num_attention_heads": 8},
         "text_config_dict": {"hidden_size": 768, "num_attention_heads": 12, "intermediate_size": 3072},
         "vision_config": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
                           "intermediate_size": 4096, "patch_size": 14, "image_size": [336, 336]}}
        """#
        let configuration = try JSONDecoder().decode(HuggingFaceCLIPConfiguration.self, from: Data(json.utf8)).clipConfiguration()
        #expect(configuration == .vitL14At336)
        #expect(configuration.text.pooling == .highestTokenID)
    }

    @Test func huggingFaceUnknownActivationIsRefused() throws {
        let json = #"{"vision_config": {"hidden_act": "mish"}}"#
        #expect(throws: ModelError.unsupportedConfiguration(source: "config.json", reason: "hidden_act mish")) {
            try JSONDecoder().decode(HuggingFaceCLIPConfiguration.self, from: Data(json.utf8)).clipConfiguration()
        }
    }

    @Test func poolingPicksTheEndOfTextPosition() {
        let rows = [[49406, 320, 1125, 49407, 0, 0], [49406, 49407, 49407, 0, 0, 0], [5, 7, 3, 9, 3, 1]]
        #expect(TextPooling.highestTokenID.positions(rows) == [3, 1, 3])
        #expect(TextPooling.firstOccurrence(of: 3).positions(rows) == [0, 0, 2])
    }
}
