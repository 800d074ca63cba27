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
/// Several processes may read while one writes, and one indexer at a time writes: `Indexer`
/// holds `IndexingLock` for its run, so a second indexer on the same store is refused with the
/// first one's process id instead of redoing all the work. Queries open the store read-only
/// (`openExisting`). A SQLite file that holds other tables is never turned into a store. The
/// schema is described in `StoreSchema`.
public final class EmbeddingStore: @unchecked Sendable {
    /// The SQLite file.
    public let url: URL
    /// Whether the store was opened for queries only (`openExisting`): nothing is ever written.
    public let isReadOnly: Bool
    let pool: DatabasePool

    /// Opens the store at `path` for indexing, creating the file (and its folder) when missing.
    /// Refuses a SQLite file that holds tables of something else (`StoreError.notAStore`).
    public init(path: URL) throws {
        url = path
        isReadOnly = false
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
            try Self.refuseForeignDatabase(at: path)
            pool = try DatabasePool(path: path.path, configuration: configuration)
            try StoreSchema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError.unreadableStore(path: path.path, reason: "\(error.message ?? error.description) (is it an embedding store?)")
        }
    }

    /// Opens a store that must already exist, read-only (for queries): throws
    /// `StoreError.missingStore` when there is no file, `StoreError.notAStore` for a SQLite file
    /// of something else, and never writes to the file (a read-only file or folder works).
    public static func openExisting(at path: URL) throws -> EmbeddingStore {
        guard FileManager.default.fileExists(atPath: path.path) else { throw StoreError.missingStore(path: path.path) }
        return try EmbeddingStore(readingExisting: path)
    }

    private init(readingExisting path: URL) throws {
        url = path
        isReadOnly = true
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        do {
            try Self.refuseForeignDatabase(at: path)
            pool = try DatabasePool(path: path.path, configuration: configuration)
            let applied = try pool.read { try StoreSchema.migrator.appliedIdentifiers($0) }
            let missing = StoreSchema.migrator.migrations.filter { !applied.contains($0) }
            guard applied.contains("v1") else { throw StoreError.notAStore(path: path.path, tables: []) }
            guard missing.isEmpty else {
                throw StoreError.unreadableStore(path: path.path, reason: "it was written by an older clipkit and needs an upgrade "
                                                 + "(\(missing.joined(separator: ", "))): run clipkit index on it once")
            }
        } catch let error as DatabaseError {
            throw StoreError.unreadableStore(path: path.path, reason: "\(error.message ?? error.description) (is it an embedding store?)")
        }
    }

    /// Throws `StoreError.notAStore` when `path` is a SQLite database holding tables but not this
    /// store's (no `grdb_migrations` record of them): the store must not add its tables to it.
    static func refuseForeignDatabase(at path: URL) throws {
        guard FileManager.default.fileExists(atPath: path.path) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path.path, configuration: configuration)
        defer { try? queue.close() }
        let tables = try queue.read { database in
            try String.fetchAll(database, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        guard !tables.isEmpty else { return }
        let ours = Set(["grdb_migrations", "model", "store_state", "items", "item_embeddings", "captions", "caption_items",
                        "caption_embeddings", "failures"])
        guard tables.contains("grdb_migrations"), tables.contains("model"), Set(tables).isSubset(of: ours) else {
            throw StoreError.notAStore(path: path.path, tables: tables)
        }
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
