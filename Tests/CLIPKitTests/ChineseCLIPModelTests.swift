@testable import CLIPKit
@testable import Models
import Checkpoint
import Foundation
import Tensor
import TestSupport
import Testing

/// Chinese-CLIP through the facade: architecture chosen from cn_clip's config files by the
/// checkpoint's shapes, embeddings equal to cn_clip's features normalised.
@Suite struct ChineseCLIPModelTests {
    static let fixtures = TestPaths.fixtures.appendingPathComponent("chinese_clip", isDirectory: true)

    /// A folder holding only the tiny fixture's two config files.
    func tinyConfigurationFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cn-configs-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["tiny.vision.json", "tiny.text.json"] {
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder
    }

    @Test func tinyCheckpointEmbedsLikeCNCLIP() throws {
        let folder = try tinyConfigurationFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = Self.fixtures.appendingPathComponent("tiny.pt")
        let tensors = try CheckpointFormat.loadTensors(contentsOf: url)
        let model = try ModelRegistry.chineseCLIP(tensors: tensors, name: url.path, fingerprint: try CheckpointFingerprint.of([url]),
                                                  source: url, configurationDirectory: folder)
        let match = try ChineseCLIPConfigurationMatch.find(shapes: tensors.mapValues(\.shape), in: folder, source: url.path)
        #expect(match.names == ("tiny.vision", "tiny.text"))
        #expect(model.identity.preprocessing?.resizeMode == .squash && model.identity.dimension == 24)
        let reference = try SafetensorsFile(contentsOf: Self.fixtures.appendingPathComponent("tiny.reference.safetensors"))
        struct Texts: Decodable { let texts: [String] }
        let texts = try JSONDecoder().decode(Texts.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("texts.json"))).texts
        ModelRegistryTests.expectRowsMatch(try model.embed(images: try reference.tensor(named: "images")),
                                         try reference.tensor(named: "image_features").l2NormalizedRows())
        ModelRegistryTests.expectRowsMatch(try model.embed(texts: texts), try reference.tensor(named: "text_features").l2NormalizedRows())
    }

    /// Shapes of a released checkpoint, built from the installed config files' numbers.
    static func releasedShapes(width: Int, layers: Int, patch: Int, resolution: Int, embed: Int,
                               hidden: Int, textLayers: Int, intermediate: Int) -> [String: [Int]] {
        let grid = resolution / patch
        var shapes: [String: [Int]] = [
            "module.visual.conv1.weight": [width, 3, patch, patch],
            "module.visual.positional_embedding": [grid * grid + 1, width],
            "module.visual.proj": [width, embed],
            "module.bert.embeddings.word_embeddings.weight": [21_128, hidden],
            "module.bert.embeddings.position_embeddings.weight": [512, hidden],
            "module.bert.encoder.layer.0.intermediate.dense.weight": [intermediate, hidden],
            "module.text_projection": [hidden, embed],
        ]
        for layer in 0..<layers { shapes["module.visual.transformer.resblocks.\(layer).ln_1.weight"] = [width] }
        for layer in 0..<textLayers { shapes["module.bert.encoder.layer.\(layer).output.dense.weight"] = [hidden, intermediate] }
        return shapes
    }

    @Test func releasedArchitecturesAreFoundAmongInstalledConfigs() throws {
        let directory = try TestPaths.installedPackageFile("cn_clip/clip/model_configs")
        let base = try ChineseCLIPConfigurationMatch.find(
            shapes: Self.releasedShapes(width: 768, layers: 12, patch: 16, resolution: 224, embed: 512,
                                        hidden: 768, textLayers: 12, intermediate: 3072),
            in: directory, source: "clip_cn_vit-b-16.pt")
        #expect(base.names == ("ViT-B-16", "RoBERTa-wwm-ext-base-chinese"))
        let huge = try ChineseCLIPConfigurationMatch.find(
            shapes: Self.releasedShapes(width: 1280, layers: 32, patch: 14, resolution: 224, embed: 1024,
                                        hidden: 1024, textLayers: 24, intermediate: 4096),
            in: directory, source: "clip_cn_vit-h-14.pt")
        #expect(huge.names == ("ViT-H-14", "RoBERTa-wwm-ext-large-chinese"))
        #expect(try huge.vision.visionTransformer().heads == 16)  // head width 80, not 64
        #expect(throws: ModelError.invalidOption("odd.pt is a Chinese-CLIP checkpoint, but no pair of cn_clip configs in "
                                                  + "\(directory.path) fits its tensor shapes (only the ViT image towers are supported)")) {
            try ChineseCLIPConfigurationMatch.find(
                shapes: Self.releasedShapes(width: 100, layers: 3, patch: 10, resolution: 200, embed: 7,
                                            hidden: 768, textLayers: 12, intermediate: 3072),
                in: directory, source: "odd.pt")
        }
    }
}
