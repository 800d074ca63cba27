import Checkpoint
import Foundation
import Tensor

/// Text embeddings of a fixed list of prompts (for example the 1000 ImageNet class prompts of
/// `clipkit-default`), computed once and kept as a safetensors file named after a hash of the
/// prompts and the text model's fingerprint, so a changed template, class list or model never
/// reads a stale file. A damaged or mismatched file is recomputed and replaced.
public struct LabelEmbeddingCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The cache key of `prompts` under the text model `modelFingerprint`.
    public static func key(prompts: [String], modelFingerprint: String) -> String {
        var hasher = SHA256()
        hasher.update(Array(modelFingerprint.utf8) + [0])
        for prompt in prompts { hasher.update(Array(prompt.utf8) + [0]) }
        return hasher.hexDigest()
    }

    public func fileURL(prompts: [String], modelFingerprint: String) -> URL {
        directory.appendingPathComponent("label-embeddings-\(Self.key(prompts: prompts, modelFingerprint: modelFingerprint).prefix(24)).safetensors")
    }

    /// The cached `[prompts.count, width]` embeddings, or `compute(prompts)` stored for next time.
    public func embeddings(of prompts: [String], modelFingerprint: String, compute: ([String]) throws -> Tensor) throws -> Tensor {
        let url = fileURL(prompts: prompts, modelFingerprint: modelFingerprint)
        if let cached = try? SafetensorsFile(contentsOf: url).tensor(named: "embeddings"),
           cached.rank == 2, cached.shape[0] == prompts.count {
            return cached.copy()
        }
        let computed = try compute(prompts)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The writer renames a finished file into place, so a killed process never leaves half a file.
        try SafetensorsFile.write(["embeddings": computed], metadata: ["prompts": String(prompts.count)], to: url)
        return computed
    }
}
