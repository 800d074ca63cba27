import Models
import CLIPKit
import Foundation
import Tensor
import Testing

/// The label-embedding cache: computed once, read back bit for bit, and recomputed (never
/// trusted) when its file is damaged, truncated or written for other prompts.
@Suite struct LabelEmbeddingCacheTests {
    let prompts = ["a photo of a tench.", "a photo of a goldfish.", "a photo of a great white shark."]
    let fingerprint = "text-model-fingerprint"

    /// Distinct rows of known values; `calls` counts the computations.
    final class Embedder {
        var calls = 0
        func callAsFunction(_ prompts: [String]) -> Tensor {
            calls += 1
            return Tensor(shape: [prompts.count, 4], scalars: (0..<(prompts.count * 4)).map { Float($0) * 0.25 - 1 })
        }
    }

    func withCache(_ body: (LabelEmbeddingCache) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-labels-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(LabelEmbeddingCache(directory: directory))
    }

    @Test func secondRequestReadsTheFile() throws {
        try withCache { cache in
            let embedder = Embedder()
            let first = try cache.embeddings(of: prompts, modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            #expect(FileManager.default.fileExists(atPath: cache.fileURL(prompts: prompts, modelFingerprint: fingerprint).path))
            let second = try cache.embeddings(of: prompts, modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            #expect(embedder.calls == 1)
            #expect(second.shape == [3, 4])
            #expect(second.scalars == first.scalars)
        }
    }

    @Test func otherPromptsOrModelUseAnotherFile() throws {
        try withCache { cache in
            let embedder = Embedder()
            _ = try cache.embeddings(of: prompts, modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            _ = try cache.embeddings(of: Array(prompts.reversed()), modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            _ = try cache.embeddings(of: prompts, modelFingerprint: "another model", compute: embedder.callAsFunction)
            #expect(embedder.calls == 3)
            // A foreign file renamed into place is recognised by its recorded key.
            let url = cache.fileURL(prompts: prompts, modelFingerprint: fingerprint)
            try FileManager.default.removeItem(at: url)
            try FileManager.default.copyItem(at: cache.fileURL(prompts: prompts, modelFingerprint: "another model"), to: url)
            _ = try cache.embeddings(of: prompts, modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            #expect(embedder.calls == 4)
        }
    }

    @Test(arguments: ["flipped data byte", "truncated", "garbage"])
    func damagedFileIsRecomputedAndReplaced(damage: String) throws {
        try withCache { cache in
            let embedder = Embedder()
            let original = try cache.embeddings(of: prompts, modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            let url = cache.fileURL(prompts: prompts, modelFingerprint: fingerprint)
            var bytes = try Data(contentsOf: url)
            switch damage {
            case "flipped data byte": bytes[bytes.count - 5] ^= 0x40  // inside the last Float32: header stays valid
            case "truncated": bytes = bytes.prefix(bytes.count - 8)
            default: bytes = Data("not a safetensors file".utf8)
            }
            try bytes.write(to: url)

            let recomputed = try cache.embeddings(of: prompts, modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            #expect(embedder.calls == 2, "\(damage): the damaged file was trusted")
            #expect(recomputed.scalars == original.scalars)
            // The replacement is a good file again.
            _ = try cache.embeddings(of: prompts, modelFingerprint: fingerprint, compute: embedder.callAsFunction)
            #expect(embedder.calls == 2)
        }
    }
}
