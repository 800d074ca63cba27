import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing
import Tokenizers

/// A random-init cn_clip text tower against cn_clip (`scripts/fixtures/chinese_clip.py`).
@Suite struct ChineseCLIPTextTests {
    struct Texts: Decodable { let texts: [String] }

    static func configuration() throws -> ChineseCLIPTextConfiguration {
        try ChineseCLIPTextConfiguration(visionConfiguration: BERTFixtures.url("chinese_clip", "tiny.vision.json"),
                                         textConfiguration: BERTFixtures.url("chinese_clip", "tiny.text.json"))
    }

    @Test func textFeaturesMatchCNCLIP() throws {
        let configuration = try Self.configuration()
        #expect(configuration.embedDimension == 24 && configuration.hiddenSize == 16 && configuration.vocabularySize == 21_128)
        let tower = try ChineseCLIPTextTower.load(contentsOf: BERTFixtures.url("chinese_clip", "tiny_text.pt"),
                                                    configuration: configuration)
        let reference = try BERTFixtures.reference("chinese_clip", "tiny_text.reference.safetensors")
        let tokens = reference["tokens"]!
        let rows = stride(from: 0, to: tokens.count, by: 52).map { BERTFixtures.integers(tokens)[$0..<($0 + 52)].map { $0 } }
        let features = GradientMode.withoutGradients { tower(tokenIDs: rows).value }
        let measure = ParityMeasure(features, reference["text_features"]!)
        print("Chinese-CLIP tiny text tower (cn_clip token ids) vs cn_clip encode_text: \(measure)")
        #expect(measure.isWithinTolerance, "\(measure)")

        // From text, through CLIPKit's tokenizer with cn_clip's vocabulary.
        let texts = try JSONDecoder().decode(Texts.self, from: Data(contentsOf: BERTFixtures.url("chinese_clip", "texts.json"))).texts
        let vocabulary = try TestPaths.installedPackageFile("cn_clip/clip/vocab.txt")
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabulary, configuration: .chineseCLIP)
        let batch = try tokenizer.encodeBatch(texts)
        #expect(batch.inputIDs.map(Int.init) == BERTFixtures.integers(tokens))
        let fromText = ParityMeasure(try tower.textFeatures(texts, tokenizer: tokenizer), reference["text_features"]!)
        #expect(fromText.isWithinTolerance, "\(fromText)")
    }

    @Test func checkpointNamesMapOntoTheTower() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: BERTFixtures.url("chinese_clip", "tiny_text.pt"))
        #expect(checkpoint.root["epoch"]?.integerValue == 3)
        let names = Set(checkpoint.names)
        #expect(names.contains("state_dict.module.bert.encoder.layer.1.attention.self.query.weight"))
        #expect(names.contains("state_dict.module.text_projection"))
        let tower = try ChineseCLIPTextTower(try Self.configuration())
        let modelNames = Set(tower.namedParameters.map(\.name))
        let mapped = try Set(names.filter { !$0.hasSuffix("logit_scale") }
            .map { try KeyRule.apply(ChineseCLIPTextTower.weightMapping.renames, to: $0) })
        #expect(mapped == modelNames)
        #expect(tower.bert.pooler == nil)
        #expect(tower.textProjection.value.shape == [16, 24])
    }

    @Test func fullCheckpointsLeaveTheImageTowerAndPoolerUnused() throws {
        let configuration = try Self.configuration()
        var tensors = try CheckpointFormat.loadTensors(contentsOf: BERTFixtures.url("chinese_clip", "tiny_text.pt"))
        tensors["state_dict.module.visual.conv1.weight"] = Tensor(zeros: [64, 3, 16, 16])
        tensors["state_dict.module.visual.transformer.resblocks.0.attn.in_proj_weight"] = Tensor(zeros: [192, 64])
        tensors["state_dict.module.bert.pooler.dense.weight"] = Tensor(zeros: [16, 16])
        tensors["optimizer.state.0.exp_avg"] = Tensor(zeros: [3])
        let tower = try ChineseCLIPTextTower(configuration)
        try tower.loadWeights(tensors, mapping: ChineseCLIPTextTower.weightMapping, source: "full.pt")
        // Without the prefixes (a plain state_dict), too.
        let plain = Dictionary(uniqueKeysWithValues: tensors.compactMap { name, value -> (String, Tensor)? in
            name.hasPrefix("state_dict.module.") ? (String(name.dropFirst("state_dict.module.".count)), value) : nil
        })
        try ChineseCLIPTextTower(configuration).loadWeights(plain, mapping: ChineseCLIPTextTower.weightMapping, source: "plain")
        tensors["state_dict.module.bert.encoder.layer.0.attention.self.key.weight"] = nil
        #expect(throws: WeightLoadingError.self) {
            try tower.loadWeights(tensors, mapping: ChineseCLIPTextTower.weightMapping, source: "broken.pt")
        }
    }

    @Test func presetsFollowCNCLIPsModelConfigs() throws {
        let folder = try TestPaths.installedPackageFile("cn_clip/clip/model_configs/ViT-B-16.json").deletingLastPathComponent()
        let pairs: [(String, String, ChineseCLIPTextConfiguration)] = [
            ("ViT-B-16", "RoBERTa-wwm-ext-base-chinese", .vitB16),
            ("ViT-L-14", "RoBERTa-wwm-ext-base-chinese", .vitL14),
            ("ViT-L-14-336", "RoBERTa-wwm-ext-base-chinese", .vitL14At336),
            ("ViT-H-14", "RoBERTa-wwm-ext-large-chinese", .vitH14),
            ("RN50", "RBT3-chinese", .rn50),
        ]
        for (vision, text, preset) in pairs {
            let read = try ChineseCLIPTextConfiguration(visionConfiguration: folder.appendingPathComponent("\(vision).json"),
                                                        textConfiguration: folder.appendingPathComponent("\(text).json"))
            #expect(read == preset, "\(vision)@\(text)")
        }
    }
}
