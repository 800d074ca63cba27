import Models
import Checkpoint
import Foundation
import Retrieval
import Tensor

/// Writes embeddings in the formats people already load them with.
///
/// - `.npy`: the `[rows, dimension]` Float32 matrix (`numpy.load`), plus `<name>.keys.txt` beside
///   it with one key (image path or text) per line in row order, as clip-retrieval keeps its
///   metadata apart from the `.npy` shards.
/// - `.safetensors`: tensor `embeddings`; header metadata `model`, `checkpoint_hash`, `key_kind`
///   and `keys` (a JSON array of the keys).
/// - `.jsonl`: one object per row: `{"<key kind>": key, "embedding": [floats]}`.
public enum EmbeddingExport {
    public enum Format: String, CaseIterable, Sendable {
        case npy, safetensors, jsonl

        /// The format named by `url`'s extension.
        public init(url: URL) throws {
            let pathExtension = url.pathExtension.lowercased()
            guard let format = Format(rawValue: pathExtension == "json" ? "jsonl" : pathExtension) else {
                throw ModelError.invalidOption(
                    "cannot tell the output format of \(url.lastPathComponent): use a name ending in .npy, .safetensors or .jsonl")
            }
            self = format
        }
    }

    /// The sidecar key list of an `.npy` output.
    public static func keysURL(forNPY url: URL) -> URL {
        url.deletingPathExtension().appendingPathExtension("keys.txt")
    }

    /// Writes `embeddings` (`[keys.count, dimension]`) for `keys` to `url` in the format its
    /// extension names. `keyKind` is "image" or "text". Rows that are not embeddings (NaN,
    /// infinite, zero) are refused with `ModelError.unusableEmbeddings` before anything is written.
    public static func write(_ embeddings: Tensor, keys: [String], keyKind: String, identity: ModelIdentity, to url: URL) throws {
        precondition(embeddings.rank == 2 && embeddings.shape[0] == keys.count, "one embedding row per key")
        // Never write NaN, infinite or zero vectors (a model with damaged weights).
        let problems = EmbeddingRowCheck.problems(in: embeddings)
        if let first = problems.first {
            throw ModelError.unusableEmbeddings(count: problems.count, of: keys.count, examples: problems.prefix(3).map { keys[$0.row] },
                                                       reason: first.reason)
        }
        switch try Format(url: url) {
        case .npy:
            try NPYFile.write(embeddings, to: url)
            // Newlines inside a key would break the line-per-row layout; escape them as \n.
            let lines = keys.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n") }
            try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(to: keysURL(forNPY: url), atomically: true, encoding: .utf8)
        case .safetensors:
            let keyList = String(decoding: try JSONSerialization.data(withJSONObject: keys), as: UTF8.self)
            try SafetensorsFile.write(["embeddings": embeddings],
                                      metadata: ["model": identity.name, "checkpoint_hash": identity.checkpointHash,
                                                 "key_kind": keyKind, "keys": keyList], to: url)
        case .jsonl:
            var text = ""
            let dimension = embeddings.shape[1]
            for (row, key) in keys.enumerated() {
                let values = (0..<dimension).map { Double(embeddings.pointer[row * dimension + $0]) }
                let object: [String: Any] = [keyKind: key, "embedding": values]
                text += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
            }
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }
}
