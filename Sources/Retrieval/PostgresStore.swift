import Foundation
import Imaging
import Models
import PostgresNIO

/// A collection's records and embeddings in PostgreSQL with pgvector, shared by any number of
/// indexing workers and search servers (which keep no state of their own).
///
/// ```swift
/// let store = try PostgresStore(location: PostgresLocation(url: "postgres://clip@db:5432/photos"))
/// try store.begin(model: model.identity)   // records the model, or refuses a different one
/// try store.upsert(batch)                  // one transaction per batch, idempotent by key
/// let hits = try store.nearest(to: queries, owner: .items, k: 10, mode: .index(efSearch: 100))
/// ```
///
/// The same contract as the SQLite `EmbeddingStore` (see `CollectionStore`): every batch is one
/// transaction, keys are unique, the model identity is recorded once. Search runs inside the
/// server: `ORDER BY embedding <=> query LIMIT k` through the HNSW index, with `hnsw.ef_search`
/// set for that query's transaction, or as a sequential scan in exact mode. Schema in
/// `PostgresSchema`; a missing database is created when the store is opened for writing.
public final class PostgresStore: CollectionStore, @unchecked Sendable {
    public let postgres: PostgresLocation
    public let isReadOnly: Bool
    let session: PostgresSession
    /// The options a new store is created with (`storeOptions()` reads the recorded ones).
    let requestedOptions: PostgresStoreOptions

    public var location: String { postgres.description }
    public var searchesInPlace: Bool { true }

    /// Opens the store in `location` for writing, creating the database and the tables (or
    /// upgrading them) when missing. Refuses a database holding other tables (`StoreError.notAStore`).
    public init(location: PostgresLocation, options: PostgresStoreOptions = PostgresStoreOptions()) throws {
        postgres = location
        isReadOnly = false
        requestedOptions = options
        do {
            session = try PostgresSession(location: location)
        } catch StoreError.databaseFailure(_, let reason) where reason.contains("SQLSTATE 3D000") {
            try Self.createDatabase(location)
            session = try PostgresSession(location: location)
        }
        try migrate()
    }

    /// Opens a store that must already exist, for queries: `StoreError.missingStore` when the
    /// database holds no store, an upgrade request when its schema is older than this program's.
    public static func openExisting(at location: PostgresLocation) throws -> PostgresStore {
        try PostgresStore(readingExisting: location)
    }

    private init(readingExisting location: PostgresLocation) throws {
        postgres = location
        isReadOnly = true
        requestedOptions = PostgresStoreOptions()
        do {
            session = try PostgresSession(location: location)
        } catch StoreError.databaseFailure(_, let reason) where reason.contains("SQLSTATE 3D000") {
            throw StoreError.missingStore(path: location.description)
        }
        let tables = try self.tables()
        guard tables.contains("clipkit_migrations") else {
            if tables.isEmpty { throw StoreError.missingStore(path: location.description) }
            throw StoreError.notAStore(path: location.description, tables: tables.sorted())
        }
        let applied = Set(try session.query("SELECT identifier FROM clipkit_migrations").map { try $0.decode(String.self) })
        let missing = PostgresSchema.migrations.map(\.identifier).filter { !applied.contains($0) }
        guard missing.isEmpty else {
            throw StoreError.unreadableStore(path: location.description, reason: "it was written by an older clipkit and needs an upgrade "
                                             + "(\(missing.joined(separator: ", "))): run clipkit index on it once")
        }
    }

    private static func createDatabase(_ location: PostgresLocation) throws {
        let administration = try PostgresSession(location: location.with(database: "postgres"))
        let name = "\"" + location.database.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        do {
            try administration.execute("CREATE DATABASE \(name)")
        } catch StoreError.databaseFailure(_, let reason) where reason.contains("SQLSTATE 42P04") {
            // Another worker created it first.
        }
    }

    /// Deletes the whole database of `location` (benchmarks and tests: scratch stores), ending its
    /// other connections first.
    public static func dropDatabase(_ location: PostgresLocation) throws {
        let administration = try PostgresSession(location: location.with(database: "postgres"))
        let name = "\"" + location.database.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try administration.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private func tables() throws -> Set<String> {
        Set(try session.query("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()").map { try $0.decode(String.self) })
    }

    /// Applies the missing migrations in one transaction under an advisory lock.
    private func migrate() throws {
        try session.transaction {
            try session.execute("SELECT pg_advisory_xact_lock(hashtext('clipkit store schema'))")
            let tables = try self.tables()
            if !tables.isEmpty, !tables.contains("clipkit_migrations") || !tables.isSubset(of: PostgresSchema.tables) {
                throw StoreError.notAStore(path: location, tables: tables.sorted())
            }
            try session.execute("""
                CREATE TABLE IF NOT EXISTS clipkit_migrations (identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = Set(try session.query("SELECT identifier FROM clipkit_migrations").map { try $0.decode(String.self) })
            for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                for statement in migration.sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                where !statement.isEmpty {
                    try session.execute(statement)
                }
                try session.execute("INSERT INTO clipkit_migrations (identifier) VALUES ($1)", [.text(migration.identifier)])
            }
        }
    }

    // MARK: Model identity

    @discardableResult
    public func begin(model: ModelIdentity) throws -> ModelIdentity {
        precondition(model.dimension > 0, "a model's embedding dimension must be positive")
        return try session.transaction {
            try session.execute("LOCK TABLE model IN EXCLUSIVE MODE")
            if let stored = try storedModel() {
                if let difference = stored.difference(from: model) {
                    throw StoreError.modelMismatch(storePath: location, stored: stored, requested: model, difference: difference)
                }
                return stored
            }
            let preprocessing = try model.preprocessing.map { String(decoding: try EmbeddingStore.jsonEncoder.encode($0), as: UTF8.self) }
            let options = String(decoding: try EmbeddingStore.jsonEncoder.encode(model.options), as: UTF8.self)
            try session.execute("""
                INSERT INTO model (id, name, checkpoint_hash, dimension, preprocessing, options, created_at) VALUES (1, $1, $2, $3, $4, $5, $6)
                """, [.text(model.name), .text(model.checkpointHash), .integer(Int64(model.dimension)), .text(preprocessing), .text(options),
                      .real(Date().timeIntervalSince1970)])
            try createEmbeddingTables(dimension: model.dimension, options: requestedOptions)
            return model
        }
    }

    /// The embedding tables and their HNSW indexes, once the dimension is known.
    private func createEmbeddingTables(dimension: Int, options: PostgresStoreOptions) throws {
        try session.execute("INSERT INTO store_options (id, storage, hnsw_m, hnsw_ef_construction) VALUES (1, $1, $2, $3)",
                            [.text(options.storage.rawValue), .integer(Int64(options.hnswLinks)),
                             .integer(Int64(options.hnswConstructionCandidates))])
        let type = "\(options.storage.rawValue)(\(dimension))"
        for owner in EmbeddingOwner.allCases {
            let (table, owners, foreignKey) = PostgresSchema.embeddingTable(owner)
            try session.execute("""
                CREATE TABLE \(table) (\(foreignKey) bigint PRIMARY KEY REFERENCES \(owners)(id) ON DELETE CASCADE, embedding \(type) NOT NULL)
                """)
            try session.execute(Self.vectorIndexStatement(owner, options: options))
        }
    }

    public func verify(model: ModelIdentity) throws {
        guard let stored = try self.model() else { throw StoreError.noModelRecorded(storePath: location) }
        if let difference = stored.difference(from: model) {
            throw StoreError.modelMismatch(storePath: location, stored: stored, requested: model, difference: difference)
        }
    }

    public func model() throws -> ModelIdentity? { try storedModel() }

    func storedModel() throws -> ModelIdentity? {
        guard let row = try session.query("SELECT name, checkpoint_hash, dimension, preprocessing, options FROM model WHERE id = 1").first
        else { return nil }
        let (name, hash, dimension, preprocessingJSON, optionsJSON) = try row.decode((String, String, Int, String?, String?).self)
        let preprocessing = try preprocessingJSON.map { try JSONDecoder().decode(Preprocessing.self, from: Data($0.utf8)) }
        let options = try optionsJSON.map { try JSONDecoder().decode(ModelOptions.self, from: Data($0.utf8)) } ?? ModelOptions()
        return ModelIdentity(name: name, checkpointHash: hash, dimension: dimension, preprocessing: preprocessing, options: options)
    }

    /// The recorded vector storage and HNSW settings (nil before the model is recorded).
    public func storeOptions() throws -> PostgresStoreOptions? {
        guard let row = try session.query("SELECT storage, hnsw_m, hnsw_ef_construction FROM store_options WHERE id = 1").first else { return nil }
        let (storage, links, candidates) = try row.decode((String, Int, Int).self)
        return PostgresStoreOptions(storage: PostgresStoreOptions.Storage(rawValue: storage) ?? .vector, hnswLinks: links,
                                    hnswConstructionCandidates: candidates)
    }

    public func state() throws -> StoreState {
        let row = try session.query("SELECT generation, item_removal_generation, caption_removal_generation FROM store_state WHERE id = 1")[0]
        let (generation, items, captions) = try row.decode((Int64, Int64, Int64).self)
        return StoreState(generation: generation, itemRemovalGeneration: items, captionRemovalGeneration: captions)
    }

    /// One indexing run at a time through `Indexer` (session advisory lock, released when the
    /// connection ends, however the process ends); distributed workers (`DistributedIndexer`)
    /// share the store through the job table instead.
    public func claimForIndexing() throws -> AnyObject {
        let claimed = try session.query("SELECT pg_try_advisory_lock(hashtext('clipkit indexing run'))")[0].decode(Bool.self)
        guard claimed else { throw StoreError.busy(path: location, processIdentifier: nil) }
        return PostgresIndexingClaim(session: session)
    }
}

/// Releases the advisory lock of `PostgresStore.claimForIndexing()`.
final class PostgresIndexingClaim {
    let session: PostgresSession
    init(session: PostgresSession) { self.session = session }
    deinit { _ = try? session.query("SELECT pg_advisory_unlock(hashtext('clipkit indexing run'))") }
}
