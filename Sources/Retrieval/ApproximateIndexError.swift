/// Why an `ApproximateIndex` operation failed. Each message says what to do about it.
public enum ApproximateIndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// faiss rejected the factory string.
    case invalidFactory(factory: String, dimension: Int, reason: String)
    /// The index must be trained before vectors are added or searched.
    case trainingNeeded(factory: String)
    /// Too few training vectors for the index's quantisers (IVF lists, PQ centroids).
    case tooFewTrainingVectors(factory: String, count: Int, minimum: Int)
    /// Vectors of the wrong width.
    case dimensionMismatch(expected: Int, actual: Int)
    /// ids and vectors differ in count.
    case idCountMismatch(vectors: Int, ids: Int)
    /// The index holds no vectors.
    case empty
    /// k is not positive.
    case invalidNeighborCount(k: Int)
    /// A parameter faiss does not know for this index (e.g. efSearch on an IVF index).
    case unknownParameter(name: String, factory: String, reason: String)
    /// Reading or writing an index file failed.
    case fileFailure(path: String, reason: String)
    /// Any other faiss error, with its message.
    case faiss(operation: String, message: String)

    public var description: String {
        switch self {
        case let .invalidFactory(factory, dimension, reason):
            return "faiss cannot build \"\(factory)\" for dimension \(dimension): \(reason); "
                + "use a factory string such as \"HNSW32\", \"IVF1024,Flat\", \"IVF1024,PQ32\" or \"Flat\" "
                + "(PQm needs a dimension divisible by m)"
        case let .trainingNeeded(factory):
            return "the \"\(factory)\" index is not trained: call train(_:) with a sample of the vectors before adding or searching"
        case let .tooFewTrainingVectors(factory, count, minimum):
            return "the \"\(factory)\" index needs at least \(minimum) training vectors (one per IVF list or PQ centroid) "
                + "but got \(count); train on more vectors, choose fewer lists (IVF\(max(1, count / 39)) suits \(count) vectors), "
                + "or use \"HNSW32\" or \"Flat\", which need no training"
        case let .dimensionMismatch(expected, actual):
            return "the index holds \(expected)-dimensional vectors but got \(actual)-dimensional ones; embed them with the same model"
        case let .idCountMismatch(vectors, ids):
            return "got \(vectors) vectors but \(ids) ids; pass one id per vector"
        case .empty:
            return "the index holds no vectors: add vectors before searching"
        case let .invalidNeighborCount(k):
            return "k must be positive, got \(k)"
        case let .unknownParameter(name, factory, reason):
            return "the \"\(factory)\" index has no search parameter \"\(name)\" (\(reason)); "
                + "HNSW indexes take efSearch, IVF indexes take nprobe"
        case let .fileFailure(path, reason):
            return "cannot use the faiss index file \(path): \(reason)"
        case let .faiss(operation, message):
            return "faiss failed to \(operation): \(message)"
        }
    }
}
