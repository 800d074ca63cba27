/// Why a search could not run. Each message says what to do about it.
public enum SearchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database holds no vectors.
    case emptyDatabase
    /// More neighbours were asked for than the database holds, or k is not positive.
    case invalidNeighborCount(k: Int, databaseCount: Int)
    /// Vectors of width zero.
    case zeroDimension
    /// A matrix is not `[rows, dimension]`.
    case notAMatrix(name: String, shape: [Int])
    /// Queries and database differ in width.
    case dimensionMismatch(queryDimension: Int, databaseDimension: Int)
    /// A vector holds NaN or infinity.
    case nonFiniteVector(name: String, row: Int)
    /// A zero vector cannot be normalised for cosine similarity.
    case zeroVector(name: String, row: Int)
    /// A query named a stored item that the store does not hold (or holds without an embedding).
    case unknownItem(key: String, storePath: String)
    /// A faiss index was asked for on a store that is not a file (faiss indexes live beside SQLite stores).
    case approximateIndexNeedsFile(storePath: String)

    public var description: String {
        switch self {
        case .emptyDatabase:
            return "the database holds no vectors: index some items before searching"
        case let .invalidNeighborCount(k, count):
            return k <= 0 ? "k must be positive, got \(k)"
                : "asked for the top \(k) of \(count) vectors; pass k ≤ \(count)"
        case let .unknownItem(key, path):
            return "\(path) holds no embedded item with the key \(key); index it first (`clipkit index`)"
        case let .approximateIndexNeedsFile(path):
            return "\(path) searches inside PostgreSQL with its own HNSW index: leave out --ann and tune it with --ef-search "
                + "(or --exact for an exact scan)"
        case .zeroDimension:
            return "the vectors have dimension 0; embeddings need at least one value"
        case let .notAMatrix(name, shape):
            return "\(name) must be a [rows, dimension] matrix, got shape \(shape)"
        case let .dimensionMismatch(query, database):
            return "queries have dimension \(query) but the database has \(database); embed both with the same model"
        case let .nonFiniteVector(name, row):
            return "\(name) row \(row) holds NaN or infinite values; check the model output for that input"
        case let .zeroVector(name, row):
            return "\(name) row \(row) is all zeros, so it has no direction for cosine similarity"
        }
    }
}
