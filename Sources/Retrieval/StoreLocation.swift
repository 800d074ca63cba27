import Foundation

/// Where a collection store lives, as `--db` names it: a `postgres://user@host:port/database`
/// URL (PostgreSQL with pgvector, `PostgresStore`) or a file path (SQLite, `EmbeddingStore`).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case file(URL)
    case postgres(PostgresLocation)

    /// Reads a `--db` argument: a PostgreSQL URL, else a path (`~` expanded).
    public init(argument: String) throws {
        if PostgresLocation.isPostgresURL(argument) {
            self = .postgres(try PostgresLocation(url: argument))
        } else {
            self = .file(URL(fileURLWithPath: (argument as NSString).expandingTildeInPath).standardizedFileURL)
        }
    }

    public var description: String {
        switch self {
        case let .file(url): return url.path
        case let .postgres(location): return location.description
        }
    }

    /// Opens the store for indexing, creating it when missing; `postgresOptions` apply to a
    /// PostgreSQL store that records its model for the first time.
    public func openForWriting(postgresOptions: PostgresStoreOptions = PostgresStoreOptions()) throws -> any CollectionStore {
        switch self {
        case let .file(url): return try EmbeddingStore(path: url)
        case let .postgres(location): return try PostgresStore(location: location, options: postgresOptions)
        }
    }

    /// Opens a store that must exist, for queries (`StoreError.missingStore` otherwise).
    public func openExisting() throws -> any CollectionStore {
        switch self {
        case let .file(url): return try EmbeddingStore.openExisting(at: url)
        case let .postgres(location): return try PostgresStore.openExisting(at: location)
        }
    }
}
