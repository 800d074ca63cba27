import Models

/// Why an `EmbeddingStore` refused an operation. Each message says what to do about it.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The store was built with another model; mixing embeddings of two models gives meaningless scores.
    case modelMismatch(storePath: String, stored: ModelIdentity, requested: ModelIdentity, difference: String)
    /// The store has no model identity yet (nothing was indexed into it).
    case noModelRecorded(storePath: String)
    /// No store file exists at the path.
    case missingStore(path: String)
    /// A vector's width differs from the store's model dimension.
    case dimensionMismatch(key: String, expected: Int, actual: Int)
    /// A vector holds NaN or infinity.
    case nonFiniteEmbedding(key: String)
    /// The same key appears twice in one batch.
    case duplicateKey(key: String)
    /// The file is not a store of this version or is damaged.
    case unreadableStore(path: String, reason: String)
    /// The file is a SQLite database of something else (`tables` are its tables).
    case notAStore(path: String, tables: [String])
    /// Another indexer (process `processIdentifier`, when known) is writing to the store.
    case busy(path: String, processIdentifier: Int32?)
    /// The PostgreSQL server cannot be reached, or the connection was lost mid-run.
    case databaseUnavailable(location: String, reason: String)
    /// The PostgreSQL server refused a statement (its message and SQLSTATE in `reason`).
    case databaseFailure(location: String, reason: String)

    public var description: String {
        switch self {
        case let .modelMismatch(path, stored, requested, difference):
            return "the store \(path) was built with \(stored), not \(requested) (\(difference)); "
                + "query it with the model it was built with (clipkit search and retrieve load it when --model is left out), "
                + "or index the collection again into a new store with this model"
        case let .noModelRecorded(path):
            return "the store \(path) has no model recorded: nothing was indexed into it yet; index a collection first"
        case let .missingStore(path):
            return "no embedding store at \(path): index a collection first (or check the path)"
        case let .dimensionMismatch(key, expected, actual):
            return "the embedding of \(key) has \(actual) values but the store's model has dimension \(expected); "
                + "it was produced by another model or cut short"
        case let .nonFiniteEmbedding(key):
            return "the embedding of \(key) holds NaN or infinite values; the model produced invalid output for this input"
        case let .duplicateKey(key):
            return "the key \(key) appears twice in one batch; each item and caption key must be unique"
        case let .unreadableStore(path, reason):
            return "cannot use the store \(path): \(reason)"
        case let .notAStore(path, tables):
            return "\(path) is not an embedding store" + (tables.isEmpty ? "" : " (it holds the tables \(tables.prefix(8).joined(separator: ", ")))")
                + "; it was left untouched: give --db a new file or a store written by clipkit index"
        case let .busy(path, processIdentifier):
            return "another indexer" + (processIdentifier.map { " (process \($0))" } ?? "") + " is writing to \(path); "
                + "wait for it to finish (or stop it) and run again: this run would only redo its work"
        case let .databaseUnavailable(location, reason):
            return "cannot reach PostgreSQL at \(location) (\(reason)); start the server or check --db, then run the command again: "
                + "every committed batch is kept, so indexing resumes where it stopped"
        case let .databaseFailure(location, reason):
            return "PostgreSQL at \(location) refused the operation: \(reason)"
        }
    }
}
