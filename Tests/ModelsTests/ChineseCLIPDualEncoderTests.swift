import Checkpoint
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing
import Tokenizers

/// The whole cn_clip dual encoder (`tiny.pt` of `scripts/fixtures/chinese_clip.py`) against
/// cn_clip's encode_image / encode_text.
@Suite struct ChineseCLIPDualEncoderTests {
    struct Texts: Decodable { let texts: [String] }

    static func load() throws -> ChineseCLIP {
        let vision = try ChineseCLIPVisionConfiguration(contentsOf: BERTFixtures.url("chinese_clip", "tiny.vision.json"))
        let text = try ChineseCLIPTextConfiguration(visionConfiguration: BERTFixtures.url("chinese_clip", "tiny.vision.json"),
                                                    textConfiguration: BERTFixtures.url("chinese_clip", "tiny.text.json"))
        return try ChineseCLIP.load(contentsOf: BERTFixtures.url("chinese_clip", "tiny.pt"), vision: vision, text: text)
    }

    @Test func bothTowersMatchCNCLIP() throws {
        let model = try Self.load()
        let reference = try BERTFixtures.reference("chinese_clip", "tiny.reference.safetensors")
        let images = ParityMeasure(model.encodeImage(reference["images"]!), reference["image_features"]!)
        print("Chinese-CLIP tiny image tower vs cn_clip encode_image: \(images)")
        #expect(images.isWithinTolerance, "\(images)")
        let texts = try JSONDecoder().decode(Texts.self, from: Data(contentsOf: BERTFixtures.url("chinese_clip", "texts.json"))).texts
        let tokenizer = try WordPieceTokenizer(vocabularyFile: try TestPaths.installedPackageFile("cn_clip/clip/vocab.txt"),
                                               configuration: .chineseCLIP)
        let textMeasure = ParityMeasure(try model.encodeText(texts, tokenizer: tokenizer), reference["text_features"]!)
        #expect(textMeasure.isWithinTolerance, "\(textMeasure)")
        let scale = reference["logit_scale"]!.scalars[0]
        #expect(abs(model.logitScale.value.item - scale) <= 1e-3 * abs(scale))
    }

    @Test func recognisesCNCLIPCheckpointsOnly() throws {
        let names = try TorchCheckpoint(contentsOf: BERTFixtures.url("chinese_clip", "tiny.pt")).names
        #expect(ChineseCLIP.recognizes(names))
        #expect(!ChineseCLIP.recognizes(["visual.conv1.weight", "token_embedding.weight"]))
        #expect(!ChineseCLIP.recognizes(try TorchCheckpoint(contentsOf: BERTFixtures.url("chinese_clip", "tiny_text.pt")).names))
    }

    @Test func resNetConfigurationsAreRefusedByName() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cn-rn50-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"embed_dim": 1024, "image_resolution": 224, "vision_layers": "[3,4,6,3]", "vision_width": 64, "vision_patch_size": null}"#.utf8)
            .write(to: url)
        #expect {
            try ChineseCLIPVisionConfiguration(contentsOf: url)
        } throws: { error in
            guard case let .invalidConfiguration(path, reason)? = error as? ModelError else { return false }
            return path == url.path && reason.contains("Chinese-CLIP's ResNet image tower is not supported")
        }
    }

    @Test func aTextOnlyCheckpointIsMissingTheImageTower() throws {
        let vision = try ChineseCLIPVisionConfiguration(contentsOf: BERTFixtures.url("chinese_clip", "tiny.vision.json"))
        let text = try ChineseCLIPTextConfiguration(visionConfiguration: BERTFixtures.url("chinese_clip", "tiny.vision.json"),
                                                    textConfiguration: BERTFixtures.url("chinese_clip", "tiny.text.json"))
        #expect(throws: WeightLoadingError.self) {
            try ChineseCLIP.load(contentsOf: BERTFixtures.url("chinese_clip", "tiny_text.pt"), vision: vision, text: text)
        }
    }
}
