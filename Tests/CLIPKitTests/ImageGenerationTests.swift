import CLIPKit
import Foundation
import Generation
import Imaging
import Tensor
import TestSupport
import Testing

/// `ImageGeneration` (what `clipkit generate` runs) on the tiny diffusers folder with the tiny
/// IP-Adapter and its CLIP image encoder (`Tests/Fixtures/diffusion`): PNG files whose text chunks
/// hold the settings, bit-identical for a seed, references changing the image, and each
/// aggregation accepted or refused as the model allows.
@Suite struct ImageGenerationTests {
    static let folder = TestPaths.fixture("diffusion", "tiny-sd")
    static let adapter = TestPaths.fixture("diffusion", "ip-adapter.bin")

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-generate-\(UUID().uuidString)", isDirectory: true)
    }

    /// Two distinct reference photos (written by the test).
    static func references(in folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = [folder.appendingPathComponent("red.png"), folder.appendingPathComponent("blue.png")]
        try TestImages.write(to: files[0], width: 40, height: 40, red: 200, green: 30, blue: 10)
        try TestImages.write(to: files[1], width: 40, height: 40, red: 10, green: 60, blue: 220, variant: 7)
        return files
    }

    @Test func writesPNGsWithTheSettingsAndRepeatsForASeed() throws {
        let root = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let generation = try ImageGeneration.load(model: Self.folder.path, ipAdapter: Self.adapter.path)
        let references = try Self.references(in: root.appendingPathComponent("references"))
        let settings = GenerationSettings(prompt: "a photo of a man", aggregation: .mean, imageScale: 0.8, guidance: 3, steps: 3,
                                          sampler: .ddim, seed: 11, size: 16)
        let first = try generation.run(settings, references: references, count: 2, outputDirectory: root.appendingPathComponent("a"))
        let second = try generation.run(settings, references: references, count: 2, outputDirectory: root.appendingPathComponent("b"))
        #expect(first.map(\.lastPathComponent) == ["11-0.png", "11-1.png"])
        for (one, other) in zip(first, second) { #expect(try Data(contentsOf: one) == Data(contentsOf: other)) }

        let image = try ImageDecoder().decode(contentsOf: first[0])
        #expect(image.width == 16 && image.height == 16)
        let entries = try PNGTextChunks.read(from: Data(contentsOf: first[0]))
        let metadata = Dictionary(entries.map { ($0.keyword, $0.text) }, uniquingKeysWith: { first, _ in first })
        let stored = try JSONDecoder().decode(GenerationSettings.self, from: Data(try #require(metadata["parameters"]).utf8))
        #expect(stored == settings)
        #expect(metadata["model"] == Self.folder.path)
        #expect(metadata["references"] == "red.png, blue.png")
        #expect(metadata["index"] == "0")

        // The references change the image; without them the text alone conditions it.
        let textOnly = try generation.run(settings, count: 1, outputDirectory: root.appendingPathComponent("c"))
        #expect(try Data(contentsOf: textOnly[0]) != Data(contentsOf: first[0]))
    }

    @Test func everyFixedAggregationRunsAndAttentionNeedsATrainedAggregator() throws {
        let root = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let generation = try ImageGeneration.load(model: Self.folder.path, ipAdapter: Self.adapter.path)
        let photos = try Self.references(in: root).map { try ImageDecoder().decode(contentsOf: $0) }
        var outputs: [ImagePromptAggregation: Tensor] = [:]
        for aggregation in [ImagePromptAggregation.mean, .max, .concat] {
            let settings = GenerationSettings(prompt: "a face", aggregation: aggregation, guidance: 2, steps: 2, seed: 3, size: 16)
            let images = try generation.model.generate(settings, references: photos)  // [1, 3, 16, 16]
            #expect(images.shape == [1, 3, 16, 16])
            #expect(images.scalars.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
            outputs[aggregation] = images
        }
        #expect(outputs[.mean]!.scalars != outputs[.max]!.scalars)
        #expect(outputs[.mean]!.scalars != outputs[.concat]!.scalars)
        let attention = GenerationSettings(prompt: "a face", aggregation: .attention, steps: 2, size: 16)
        #expect(throws: GenerationError.self) { try generation.model.generate(attention, references: photos) }
    }

    @Test func referencesNeedAnAdapterAndTheSizeMustFitTheNetwork() throws {
        let plain = try ImageGeneration.load(model: Self.folder.path)
        let photo = try ImageDecoder().decode(try TestImages.png(width: 32, height: 32, red: 90))
        #expect(throws: GenerationError.self) {
            try plain.model.generate(GenerationSettings(prompt: "a face", steps: 2, size: 16), references: [photo])
        }
        #expect(throws: GenerationError.self) { try plain.model.generate(GenerationSettings(prompt: "a face", steps: 2, size: 14)) }
    }

    @Test func pngTextChunksRoundTripAndACorruptChunkFailsItsCRC() throws {
        let image = Tensor(shape: [1, 4, 5], scalars: (0..<20).map { Float($0) / 19 })
        let entries = [("parameters", "{\"prompt\":\"un café ☕\"}"), ("Software", "CLIPKit")]
        let png = try ImageGeneration.png(image, metadata: entries)
        let read = try PNGTextChunks.read(from: png)
        #expect(read.map(\.keyword) == ["parameters", "Software"])
        #expect(read.map(\.text) == ["{\"prompt\":\"un café ☕\"}", "CLIPKit"])
        let decoded = try ImageDecoder().decode(png)
        #expect(decoded.width == 5 && decoded.height == 4)

        var corrupt = [UInt8](png)
        let marker = try #require(corrupt.indices.first { corrupt[$0..<($0 + 4)].elementsEqual("iTXt".utf8) })
        corrupt[marker + 6] ^= 0x01
        #expect(throws: PNGTextChunks.Failure.self) { try PNGTextChunks.read(from: Data(corrupt)) }
        #expect(throws: PNGTextChunks.Failure.self) { try PNGTextChunks.inserting([("", "empty keyword")], into: png) }
    }
}

extension CommandLineTests {
    @Test func generateWritesReproduciblePNGsFromTwoReferences() throws {
        let root = ImageGenerationTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let references = try ImageGenerationTests.references(in: root.appendingPathComponent("references"))
        func generate(_ out: String) throws -> (status: Int32, output: String, errors: String) {
            try clipkit(["generate", "--model", ImageGenerationTests.folder.path, "--ip-adapter", ImageGenerationTests.adapter.path,
                         "--prompt", "a photo of a smiling man", "--image", references[0].path, "--image", references[1].path,
                         "--aggregate", "max", "--ip-scale", "0.7", "--guidance", "4", "--steps", "3", "--scheduler", "ddpm",
                         "--seed", "5", "--size", "16", "--out", root.appendingPathComponent(out).path])
        }
        let first = try generate("a"), second = try generate("b")
        #expect(first.status == 0, "\(first.errors)")
        let file = root.appendingPathComponent("a/5-0.png")
        #expect(first.output.trimmingCharacters(in: .whitespacesAndNewlines) == file.path)
        #expect(try Data(contentsOf: file) == Data(contentsOf: root.appendingPathComponent("b/5-0.png")))
        #expect(second.status == 0)
        let metadata = try PNGTextChunks.read(from: Data(contentsOf: file))
        let parameters = try #require(metadata.first { $0.keyword == "parameters" }?.text)
        let settings = try JSONDecoder().decode(GenerationSettings.self, from: Data(parameters.utf8))
        #expect(settings.aggregation == .max && settings.sampler == .ddpm && settings.steps == 3 && settings.imageScale == 0.7)

        let refused = try clipkit(["generate", "--model", ImageGenerationTests.folder.path, "--prompt", "x", "--aggregate", "median",
                                   "--out", root.path])
        #expect(refused.status != 0 && refused.errors.contains("--aggregate"))
    }
}
