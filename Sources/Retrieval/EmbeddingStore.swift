import Models
import Foundation
import GRDB
import Imaging

/// A collection's embeddings, captions, ground-truth links, failures and model identity in one
/// SQLite file (WAL mode, through GRDB).
///
/// ```swift
/// let store = try EmbeddingStore(path: url)
/// try store.begin(model: model.identity)   // records the model, or refuses a different one
/// try store.upsert(batch)                  // one transaction per batch
/// let images = try store.embeddings()      // [count, dimension] with ids and keys
/// ```
///
/// Durability: every `upsert` is one transaction, so a process killed mid-run (even with SIGKILL)
/// loses at most the batch it was writing; keys are unique, so re-running never duplicates rows.
/// `synchronous = NORMAL` in WAL mode keeps committed batches across a process crash; a power
/// failure may roll back the last few.
///
/// Several processes may read while one writes. The schema is described in `StoreSchema`.
public final class EmbeddingStore: @unchecked Sendable {
    /// The SQLite file.
    public let url: URL
    let pool: DatabasePool

    /// Opens the store at `path`, creating the file (and its folder) when missing.
    public init(path: URL) throws {
        url = path
        let folder = path.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unreadableStore(path: path.path, reason: "cannot create its folder: \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { database in
            try database.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path.path, configuration: configuration)
            try StoreSchema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError.unreadableStore(path: path.path, reason: "\(error.message ?? error.description) (is it an embedding store?)")
        }
    }

    /// Opens a store that must already exist (for queries): throws `StoreError.missingStore` otherwise.
    public static func openExisting(at path: URL) throws -> EmbeddingStore {
        guard FileManager.default.fileExists(atPath: path.path) else { throw StoreError.missingStore(path: path.path) }
        return try EmbeddingStore(path: path)
    }

    // MARK: Model identity

    /// Records `model` as the store's model on first use; afterwards refuses any other model with
    /// `StoreError.modelMismatch`. Call before writing embeddings.
    @discardableResult
    public func begin(model: ModelIdentity) throws -> ModelIdentity {
        precondition(model.dimension > 0, "a model's embedding dimension must be positive")
        return try pool.write { database in
            if let stored = try Self.storedModel(database) {
                if let difference = stored.difference(from: model) {
                    throw StoreError.modelMismatch(storePath: url.path, stored: stored, requested: model, difference: difference)
                }
                return stored
            }
            let preprocessing = try model.preprocessing.map { String(decoding: try Self.jsonEncoder.encode($0), as: UTF8.self) }
            let options = String(decoding: try Self.jsonEncoder.encode(model.options), as: UTF8.self)
            try database.execute(
                sql: "INSERT INTO model (id, name, checkpoint_hash, dimension, preprocessing, options, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                arguments: [model.name, model.checkpointHash, model.dimension, preprocessing, options, Date().timeIntervalSince1970])
            return model
        }
    }

    /// Checks that the store was built with `model`, for a query whose vectors `model` embedded.
    public func verify(model: ModelIdentity) throws {
        guard let stored = try self.model() else { throw StoreError.noModelRecorded(storePath: url.path) }
        if let difference = stored.difference(from: model) {
            throw StoreError.modelMismatch(storePath: url.path, stored: stored, requested: model, difference: difference)
        }
    }

    /// The model the store was built with, or nil for a new store.
    public func model() throws -> ModelIdentity? {
        try pool.read { try Self.storedModel($0) }
    }

    static func storedModel(_ database: Database) throws -> ModelIdentity? {
        guard let row = try Row.fetchOne(
            database, sql: "SELECT name, checkpoint_hash, dimension, preprocessing, options FROM model WHERE id = 1") else { return nil }
        let preprocessingJSON: String? = row["preprocessing"], optionsJSON: String? = row["options"]
        let preprocessing = try preprocessingJSON.map { try JSONDecoder().decode(Preprocessing.self, from: Data($0.utf8)) }
        let options = try optionsJSON.map { try JSONDecoder().decode(ModelOptions.self, from: Data($0.utf8)) } ?? ModelOptions()
        return ModelIdentity(name: row["name"], checkpointHash: row["checkpoint_hash"], dimension: row["dimension"],
                             preprocessing: preprocessing, options: options)
    }

    /// Generation counters (see `StoreSchema`).
    public func state() throws -> StoreState {
        try pool.read { try Self.storedState($0) }
    }

    static func storedState(_ database: Database) throws -> StoreState {
        let row = try Row.fetchOne(database, sql: """
            SELECT generation, item_removal_generation, caption_removal_generation FROM store_state WHERE id = 1
            """)!
        return StoreState(generation: row[0], itemRemovalGeneration: row[1], captionRemovalGeneration: row[2])
    }

    static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
