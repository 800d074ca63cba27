import Foundation
import Models
import Testing

/// The model-name spellings users bring from open_clip, clip-retrieval, CLIP_benchmark and the
/// Hugging Face hub, resolved by `ModelReference`.
@Suite struct ModelReferenceTests {
    @Test func defaultModelNames() throws {
        #expect(try ModelReference(parsing: "clipkit-default") == .defaultModel)
        #expect(try ModelReference(parsing: "default") == .defaultModel)
        #expect(try ModelReference(parsing: "clipkit-default-multilingual") == .multilingualDefaultModel)
        #expect(ModelRegistry.builtInNames == ["clipkit-default", "clipkit-default-multilingual"])
    }

    @Test func openCLIPPretrainedTagsInEverySpelling() throws {
        let openAI = try #require(OpenCLIPPretrained.named(architecture: "ViT-B-32", tag: "openai"))
        #expect(openAI.repository == "timm/vit_base_patch32_clip_224.openai" && openAI.quickGELU)
        for spelling in ["ViT-B-32/openai", "ViT-B-32::openai", "open_clip:ViT-B-32/openai", "vit-b-32/OpenAI"] {
            #expect(try ModelReference(parsing: spelling) == .openCLIP(openAI, revision: "main"), "\(spelling)")
        }
        let laion = try ModelReference(parsing: "ViT-B-32::laion2b_s34b_b79k")
        #expect(laion.repository == HubRepository(identifier: "laion/CLIP-ViT-B-32-laion2B-s34B-b79K"))
        if case let .openCLIP(pretrained, _) = laion { #expect(!pretrained.quickGELU) } else { Issue.record("\(laion)") }
        let resNet = try ModelReference(parsing: "RN50/openai")
        #expect(resNet.repository?.identifier == "timm/resnet50_clip.openai")
    }

    @Test func anUnknownTagListsTheKnownOnes() {
        do {
            _ = try ModelReference(parsing: "ViT-L-14-336/laion2b")
            Issue.record("an unknown tag must fail")
        } catch let ModelError.invalidOption(message) {
            #expect(message.contains("openai") && message.contains("ViT-L-14-336"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func hubRepositories() throws {
        #expect(try ModelReference(parsing: "openai/clip-vit-base-patch32") == .hub(HubRepository(identifier: "openai/clip-vit-base-patch32")))
        #expect(try ModelReference(parsing: "hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K@v1.0")
                == .hub(HubRepository(identifier: "laion/CLIP-ViT-B-32-laion2B-s34B-b79K", revision: "v1.0")))
        #expect(throws: ModelError.invalidRepository("../etc")) { try ModelReference(parsing: "hf-hub:../etc") }
    }

    @Test func pathsWinOverNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-reference-\(UUID().uuidString)")
        let file = directory.appendingPathComponent("ViT-B-32.pt")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data([0]).write(to: file)
        #expect(try ModelReference(parsing: file.path) == .file(file.standardizedFileURL))
        #expect(try ModelReference(parsing: directory.path) == .folder(URL(fileURLWithPath: directory.path, isDirectory: true).standardizedFileURL))
        #expect(throws: ModelError.unknownModel("no-such-model", known: [])) { try ModelReference(parsing: "no-such-model") }
    }
}
