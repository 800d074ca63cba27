@testable import Models
import CLIPKit
import Checkpoint
import Foundation
import Tensor
import TestSupport
import Testing

/// Chinese zero-shot classification of a Chinese-CLIP model (`--language zh`): cn_clip's Chinese
/// ImageNet names and its 80 translated templates, read as data, give the tiny Chinese-CLIP
/// fixture the same classifier as cn_clip's own `zero_shot_classifier` (`scripts/fixtures/chinese_zeroshot.py`).
@Suite struct ChineseZeroShotTests {
    static let fixtures = TestPaths.fixtures.appendingPathComponent("chinese_zeroshot", isDirectory: true)

    struct Classes: Decodable { let indices: [Int]; let names: [String] }

    @Test func classifierMatchesCNCLIPZeroShotEvaluation() throws {
        let classes = try JSONDecoder().decode(Classes.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("classes.json")))
        let installed = try ImageNetZeroShotMetadata.installed(language: .chinese).classNames
        #expect(classes.indices.map { installed[$0] } == classes.names)

        let folder = try ChineseCLIPModelTests().tinyConfigurationFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = ChineseCLIPModelTests.fixtures.appendingPathComponent("tiny.pt")
        let model = try ModelRegistry.chineseCLIP(tensors: try CheckpointFormat.loadTensors(contentsOf: url), name: url.path,
                                                  fingerprint: try CheckpointFingerprint.of([url]), source: url, configurationDirectory: folder)
        let templates = try ZeroShotTemplates.templates(named: "imagenet-openai", language: .chinese)
        #expect(templates.count == 80 && templates[0] == "{}的照片。")
        let classifier = try ZeroShotClassifier(model: model, labels: classes.indices.map { installed[$0] }, templates: templates)
        let reference = try SafetensorsFile(contentsOf: Self.fixtures.appendingPathComponent("classifier.safetensors"))
        ModelRegistryTests.expectRowsMatch(classifier.labelEmbeddings, try reference.tensor(named: "weights"))

        let images = try SafetensorsFile(contentsOf: ChineseCLIPModelTests.fixtures.appendingPathComponent("tiny.reference.safetensors"))
        let logits = Tensor.matmul(try model.embed(images: try images.tensor(named: "images")), classifier.labelEmbeddings, transposeB: true) * 100
        #expect(logits.maxAbsoluteDifference(try reference.tensor(named: "logits")) < 1e-3)
    }

    @Test func templateSetsInChinese() throws {
        #expect(try ZeroShotTemplates.templates(named: "photo", language: .chinese) == ["{}的照片。"])
        #expect(try ZeroShotTemplates.templates(named: "photo") == ZeroShotTemplates.photo)
        #expect(throws: ModelError.invalidOption("the template set clothing has no zh version; in zh: photo, imagenet-openai")) {
            try ZeroShotTemplates.templates(named: "clothing", language: .chinese)
        }
        #expect(throws: ModelError.self) { try ZeroShotTemplates.templates(named: "sketch", language: .chinese) }
    }
}
