import Imaging
import Tensor

/// Settings of an `Indexer` run.
public struct IndexingOptions: Sendable {
    /// Images per model call and per store transaction (a killed run loses at most one batch).
    public var batchSize: Int = 32
    /// Captions per model call and per store transaction.
    public var textBatchSize: Int = 64
    /// Files larger than this many bytes are reported instead of decoded.
    public var maximumFileSize: Int64 = 64 * 1024 * 1024
    /// The decoder (its `maximumPixelCount` rejects decompression bombs).
    public var decoder = ImageDecoder()
    /// Threads decoding and preprocessing the next batch while the model embeds the current one.
    public var decodingThreads: Int = ThreadPolicy.threadCount
    /// Deletes stored items and captions the catalog no longer lists (files removed from the collection).
    public var prunes = false
    /// Tries again files that failed before even when they have not changed.
    public var retriesFailures = false
    /// Embeds captions with the text tower (otherwise captions and links are stored without embeddings).
    public var embedsCaptions = true

    public init() {}
}
