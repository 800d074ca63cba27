import Checkpoint
import Foundation
import Tensor

/// Text embeddings of a fixed list of prompts (for example the 1000 ImageNet class prompts of
/// `clipkit-default`), computed once and kept as a safetensors file named after a hash of the
/// prompts and the text model's fingerprint, so a changed template, class list or model never
/// reads a stale file. The file records its key and a SHA-256 of the tensor bytes; a damaged,
/// truncated or mismatched file is recomputed and replaced, never trusted.
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
        let key = Self.key(prompts: prompts, modelFingerprint: modelFingerprint)
        if let cached = Self.verifiedContents(of: url, key: key, rows: prompts.count) { return cached }
        let computed = try compute(prompts)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The writer renames a finished file into place, so a killed process never leaves half a file.
        try SafetensorsFile.write(["embeddings": computed],
                                  metadata: ["prompts": String(prompts.count), "key": key, "sha256": Self.digest(of: computed)],
                                  to: url)
        return computed
    }

    /// The file's embeddings if it is one this cache wrote for `key` and its tensor bytes still
    /// hash to the digest recorded beside them; nil for a missing, foreign, truncated or damaged file.
    static func verifiedContents(of url: URL, key: String, rows: Int) -> Tensor? {
        guard let file = try? SafetensorsFile(contentsOf: url), file.metadata["key"] == key,
              let recorded = file.metadata["sha256"],
              let cached = try? file.tensor(named: "embeddings"), cached.rank == 2, cached.shape[0] == rows,
              digest(of: cached) == recorded else { return nil }
        return cached.copy()
    }

    /// SHA-256 of a tensor's shape and Float32 bytes.
    static func digest(of tensor: Tensor) -> String {
        var hasher = SHA256()
        hasher.update(Array(tensor.shape.map(String.init).joined(separator: "x").utf8) + [0])
        hasher.update(UnsafeRawBufferPointer(start: tensor.pointer, count: tensor.count * MemoryLayout<Float>.stride))
        return hasher.hexDigest()
    }
}
