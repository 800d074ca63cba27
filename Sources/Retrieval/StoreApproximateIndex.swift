import Models
import Foundation

/// A faiss index kept beside an `EmbeddingStore` and brought up to date with it.
///
/// Files: `<store>.<owner>.<factory>.faiss` and a JSON manifest `….faiss.json` recording the
/// factory, the model identity and the store generation the index reflects. `synchronize`:
/// - appends the embeddings written after that generation when the store only grew;
/// - rebuilds (train on a sample, add everything) when embeddings were replaced or deleted since
///   (faiss's HNSW cannot remove vectors), when the model differs, or when the files disagree
///   (an interrupted write);
/// - otherwise loads the file unchanged.
/// The index is written before its manifest, each atomically, so a crash leaves either the old
/// pair or a detectable mismatch.
public enum StoreApproximateIndex {
    /// What `synchronize` did.
    public enum Update: Sendable, Equatable {
        case unchanged
        case appended(count: Int)
        case rebuilt(reason: String)
    }

    /// The manifest beside an index file.
    public struct Manifest: Codable, Sendable, Equatable {
        public var factory: String
        public var owner: EmbeddingOwner
        public var model: ModelIdentity
        /// The store generation whose embeddings the index holds.
        public var builtGeneration: Int64
        /// Number of vectors in the index.
        public var count: Int
    }

    /// Where the index of `owner` built with `factory` lives beside `store`.
    public static func fileURL(for store: EmbeddingStore, owner: EmbeddingOwner = .items, factory: String) -> URL {
        let safeFactory = String(factory.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return store.url.deletingLastPathComponent()
            .appendingPathComponent("\(store.url.lastPathComponent).\(owner.rawValue).\(safeFactory).faiss")
    }

    /// The factories of the indexes of `owner` kept beside `store` (read from their manifests), sorted.
    public static func builtFactories(for store: EmbeddingStore, owner: EmbeddingOwner = .items) -> [String] {
        let folder = store.url.deletingLastPathComponent()
        let prefix = "\(store.url.lastPathComponent).\(owner.rawValue).", suffix = ".faiss.json"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.compactMap { name in
            let url = folder.appendingPathComponent(name)
            guard let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url)), manifest.owner == owner,
                  fileURL(for: store, owner: owner, factory: manifest.factory).appendingPathExtension("json") == url else { return nil }
            return manifest.factory
        }.sorted()
    }

    /// Loads, extends or rebuilds the index so it holds exactly the store's current embeddings of
    /// `owner` (ids = store row ids). Training uses at most `trainingSampleLimit` evenly spaced vectors.
    public static func synchronize(store: EmbeddingStore, owner: EmbeddingOwner = .items, factory: String,
                                   trainingSampleLimit: Int = 262_144) throws -> (index: ApproximateIndex, update: Update) {
        guard let model = try store.model() else { throw StoreError.noModelRecorded(storePath: store.url.path) }
        let indexURL = fileURL(for: store, owner: owner, factory: factory)
        let manifestURL = indexURL.appendingPathExtension("json")
        let state = try store.state()

        var reason = "no index file yet"
        if let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL)),
           let index = try? ApproximateIndex.read(from: indexURL, factory: factory) {
            if manifest.model != model || manifest.factory != factory || manifest.owner != owner {
                reason = "the index was built with another model or factory"
            } else if index.count != manifest.count {
                reason = "the index file and its manifest disagree (an interrupted write)"
            } else if state.removalGeneration(of: owner) > manifest.builtGeneration {
                reason = "embeddings were replaced or deleted since the index was built"
            } else if state.generation == manifest.builtGeneration {
                return (index, .unchanged)
            } else {
                let (added, snapshotState) = try store.embeddingSnapshot(of: owner, writtenAfter: manifest.builtGeneration)
                if snapshotState.removalGeneration(of: owner) <= manifest.builtGeneration {
                    try index.add(added.vectors, ids: added.ids)
                    try save(index, manifest: Manifest(factory: factory, owner: owner, model: model,
                                                       builtGeneration: snapshotState.generation, count: index.count),
                             indexURL: indexURL, manifestURL: manifestURL)
                    return (index, .appended(count: added.count))
                }
                reason = "embeddings were replaced or deleted while appending"
            }
        }
        let index = try rebuild(store: store, owner: owner, factory: factory, model: model,
                                trainingSampleLimit: trainingSampleLimit, indexURL: indexURL, manifestURL: manifestURL)
        return (index, .rebuilt(reason: reason))
    }

    private static func rebuild(store: EmbeddingStore, owner: EmbeddingOwner, factory: String, model: ModelIdentity,
                                trainingSampleLimit: Int, indexURL: URL, manifestURL: URL) throws -> ApproximateIndex {
        let (all, state) = try store.embeddingSnapshot(of: owner)
        guard all.count > 0 else { throw ApproximateIndexError.empty }
        let index = try ApproximateIndex(factory: factory, dimension: all.dimension)
        if !index.isTrained {
            try index.train(evenlySpacedRows(all.vectors, limit: max(trainingSampleLimit, index.minimumTrainingCount)))
        }
        try index.add(all.vectors, ids: all.ids)
        try save(index, manifest: Manifest(factory: factory, owner: owner, model: model, builtGeneration: state.generation,
                                           count: index.count),
                 indexURL: indexURL, manifestURL: manifestURL)
        return index
    }

    private static func save(_ index: ApproximateIndex, manifest: Manifest, indexURL: URL, manifestURL: URL) throws {
        try index.write(to: indexURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: manifestURL, options: .atomic)
    }
}
