import CFaiss
import Foundation
import Tensor

/// Approximate nearest-neighbour search through faiss (Johnson, Douze and Jégou, "Billion-scale
/// similarity search with GPUs", 2017): HNSW graphs (Malkov and Yashunin, 2018), inverted files
/// with flat or product-quantised codes, or flat exhaustive search, built from a factory string.
///
/// Vectors carry 64-bit ids (the store's row ids), so results name items directly. The metric is
/// the inner product, which equals cosine similarity for the unit vectors the `Indexer` stores.
/// Search-time accuracy is set with `setParameter("efSearch", …)` (HNSW) or
/// `setParameter("nprobe", …)` (IVF), through faiss's `ParameterSpace`.
///
/// The C++ library runs behind `CFaiss`, a shim of `extern "C"` functions; faiss's threads follow
/// `ThreadPolicy.threadCount` (OpenMP). An instance is not safe for concurrent mutation; searches
/// from several threads are safe when nothing is being added.
public final class ApproximateIndex: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The factory string the index was built from ("HNSW32", "IVF1024,Flat", …), or "file" when read.
    public let factory: String

    /// Creates an empty index for `dimension`-dimensional vectors.
    public init(factory: String, dimension: Int, metric: SimilarityMetric = .innerProduct) throws {
        guard dimension > 0 else { throw SearchError.zeroDimension }
        ApproximateIndex.applyThreadCount()
        var created: OpaquePointer?
        if clipkit_faiss_create(factory, Int64(dimension), 1, &created) != 0 || created == nil {
            throw ApproximateIndexError.invalidFactory(factory: factory, dimension: dimension, reason: ApproximateIndex.lastError)
        }
        handle = created!
        self.factory = factory
        // faiss scores by inner product either way; for cosine, `add` and `search` normalise their inputs.
        self.normalizes = metric == .cosine
    }

    private init(handle: OpaquePointer, factory: String, normalizes: Bool) {
        self.handle = handle
        self.factory = factory
        self.normalizes = normalizes
    }

    deinit { clipkit_faiss_free(handle) }

    /// Whether vectors and queries are scaled to unit length first (metric `.cosine`).
    public let normalizes: Bool

    public var dimension: Int { Int(clipkit_faiss_dimension(handle)) }
    /// Number of vectors added.
    public var count: Int { Int(clipkit_faiss_count(handle)) }
    /// False until an index that needs training (IVF, PQ) has been trained.
    public var isTrained: Bool { clipkit_faiss_is_trained(handle) != 0 }
    /// The fewest training vectors accepted (IVF list count, 256 per PQ codebook), 0 when trained or untrainable.
    public var minimumTrainingCount: Int { Int(clipkit_faiss_minimum_training_count(handle)) }

    /// Trains the quantisers on a sample `[n, D]` (all vectors, or a representative subset).
    public func train(_ vectors: Tensor) throws {
        let prepared = try prepare(vectors, name: "the training vectors")
        let minimum = minimumTrainingCount
        guard prepared.shape[0] >= minimum else {
            throw ApproximateIndexError.tooFewTrainingVectors(factory: factory, count: prepared.shape[0], minimum: minimum)
        }
        ApproximateIndex.applyThreadCount()
        if clipkit_faiss_train(handle, Int64(prepared.shape[0]), prepared.pointer) != 0 {
            throw ApproximateIndexError.faiss(operation: "train \"\(factory)\"", message: ApproximateIndex.lastError)
        }
    }

    /// Adds vectors `[n, D]` with their ids.
    public func add(_ vectors: Tensor, ids: [Int64]) throws {
        let prepared = try prepare(vectors, name: "the vectors")
        guard ids.count == prepared.shape[0] else { throw ApproximateIndexError.idCountMismatch(vectors: prepared.shape[0], ids: ids.count) }
        guard isTrained else { throw ApproximateIndexError.trainingNeeded(factory: factory) }
        if ids.isEmpty { return }
        ApproximateIndex.applyThreadCount()
        let status = ids.withUnsafeBufferPointer { clipkit_faiss_add(handle, Int64(ids.count), prepared.pointer, $0.baseAddress) }
        if status != 0 { throw ApproximateIndexError.faiss(operation: "add vectors", message: ApproximateIndex.lastError) }
    }

    /// The `k` best ids for each query `[Q, D]`, best first; slots faiss could not fill hold id -1.
    public func search(_ queries: Tensor, k: Int) throws -> SearchResults {
        let prepared = try prepare(queries, name: "the queries")
        guard k > 0 else { throw ApproximateIndexError.invalidNeighborCount(k: k) }
        guard isTrained else { throw ApproximateIndexError.trainingNeeded(factory: factory) }
        guard count > 0 else { throw ApproximateIndexError.empty }
        let queryCount = prepared.shape[0]
        var scores = [Float](repeating: 0, count: queryCount * k)
        var ids = [Int64](repeating: -1, count: queryCount * k)
        if queryCount > 0 {
            ApproximateIndex.applyThreadCount()
            let status = scores.withUnsafeMutableBufferPointer { scoreBuffer in
                ids.withUnsafeMutableBufferPointer { idBuffer in
                    clipkit_faiss_search(handle, Int64(queryCount), prepared.pointer, Int64(k), scoreBuffer.baseAddress,
                                         idBuffer.baseAddress)
                }
            }
            if status != 0 { throw ApproximateIndexError.faiss(operation: "search", message: ApproximateIndex.lastError) }
        }
        return SearchResults(queryCount: queryCount, k: k, indices: ids.map { Int($0) }, scores: scores)
    }

    /// Sets a search parameter: `efSearch` (HNSW, default 16), `nprobe` (IVF, default 1).
    public func setParameter(_ name: String, _ value: Double) throws {
        if clipkit_faiss_set_parameter(handle, name, value) != 0 {
            throw ApproximateIndexError.unknownParameter(name: name, factory: factory, reason: ApproximateIndex.lastError)
        }
    }

    /// Writes the index (vectors, graph or lists, ids) to `url`, atomically through a temporary file.
    public func write(to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        if clipkit_faiss_write(handle, temporary.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw ApproximateIndexError.fileFailure(path: url.path, reason: ApproximateIndex.lastError)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ApproximateIndexError.fileFailure(path: url.path, reason: reason)
        }
    }

    /// Reads an index written by `write(to:)`; `factory` and `metric` describe it for messages and normalisation.
    public static func read(from url: URL, factory: String = "file", metric: SimilarityMetric = .innerProduct) throws -> ApproximateIndex {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ApproximateIndexError.fileFailure(path: url.path, reason: "no such file")
        }
        var loaded: OpaquePointer?
        if clipkit_faiss_read(url.path, &loaded) != 0 || loaded == nil {
            throw ApproximateIndexError.fileFailure(path: url.path, reason: lastError)
        }
        guard clipkit_faiss_is_inner_product(loaded!) != 0 else {
            clipkit_faiss_free(loaded!)
            throw ApproximateIndexError.fileFailure(path: url.path, reason: "the index uses the L2 metric; CLIPKit writes inner-product indexes")
        }
        return ApproximateIndex(handle: loaded!, factory: factory, normalizes: metric == .cosine)
    }

    // MARK: Helpers

    /// Checks shape, width and finiteness, and normalises for cosine.
    private func prepare(_ vectors: Tensor, name: String) throws -> Tensor {
        let (_, width) = try VectorChecks.matrixShape(vectors, name: name)
        guard width == dimension else { throw ApproximateIndexError.dimensionMismatch(expected: dimension, actual: width) }
        try VectorChecks.requireFinite(vectors, name: name)
        return normalizes ? try VectorChecks.normalizedRows(vectors, name: name) : vectors
    }

    private static var lastError: String { String(cString: clipkit_faiss_last_error()) }

    private static func applyThreadCount() { clipkit_faiss_set_thread_count(Int32(ThreadPolicy.threadCount)) }
}
