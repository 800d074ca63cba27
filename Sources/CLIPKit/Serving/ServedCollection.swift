import Foundation
import Imaging
import Models
import Retrieval
import Tensor

/// One store as a long-running service serves it: the model the store records is loaded once;
/// queries come as text, image bytes (uploads) or vectors; items and thumbnails are looked up by
/// store id; folders indexed while serving become visible to the next search without a restart.
///
/// Any number of tasks may call it at once. Inference, exact search and indexing run on a global
/// dispatch queue (`ImageTextModel.offload`), never on the caller's thread; indexing passes run one
/// at a time, and each search uses the snapshot of the store's embeddings current when it starts.
///
/// ```swift
/// let photos = try ServedCollection(storeURL: URL(fileURLWithPath: "photos.db"))
/// let hits = try await photos.search(text: "a cat", k: 10)
/// ```
public final class ServedCollection: @unchecked Sendable {
    /// The index name clients use (`indice_name`, `model`): the store's file name without extension unless given.
    public let name: String
    public let store: any CollectionStore
    public let model: ImageTextModel
    /// Decodes uploads and thumbnails; its `maximumPixelCount` is the decompression-bomb guard.
    public let decoder: ImageDecoder
    /// Embeds concurrent text queries (`search(text:)`, `embeddings(ofTexts:)`) together.
    public let textBatcher: TextEmbeddingBatcher
    private let thumbnails: ThumbnailCache
    private var current: CollectionSearch
    private let lock = NSLock()
    private let indexingLock = NSLock()

    /// Opens the store at `storeURL` (which must exist) with the model it records; a store that
    /// records none gets the default model, so that `index(folders:)` can fill it. Text queries
    /// arriving within `batchWindow` of each other are embedded together, up to `maximumTextBatch`
    /// texts per model call (`TextEmbeddingBatcher`; a zero window turns batching off). `precision`
    /// is the model's inference number format (`InferencePrecision`).
    public convenience init(storeURL: URL, name: String? = nil, decoder: ImageDecoder = ImageDecoder(), thumbnailSide: Int = 256,
                thumbnailCacheCount: Int = 1024, batchWindow: Duration = .milliseconds(3), maximumTextBatch: Int = 32,
                precision: InferencePrecision = .fp32) throws {
        // Opened for writing (not `openExisting`, which is read-only): the server fills an empty
        // store's model record and indexes folders posted to `/index`.
        guard FileManager.default.fileExists(atPath: storeURL.path) else { throw StoreError.missingStore(path: storeURL.path) }
        try self.init(store: try EmbeddingStore(path: storeURL), name: name ?? storeURL.deletingPathExtension().lastPathComponent,
                      decoder: decoder, thumbnailSide: thumbnailSide, thumbnailCacheCount: thumbnailCacheCount, batchWindow: batchWindow,
                      maximumTextBatch: maximumTextBatch, precision: precision)
    }

    /// Serves `store` (opened for writing: SQLite or PostgreSQL) under `name`, as `init(storeURL:…)`
    /// does. Replicas serving one PostgreSQL store keep no state of their own: every search runs
    /// in the database.
    public convenience init(store: any CollectionStore, name: String, decoder: ImageDecoder = ImageDecoder(), thumbnailSide: Int = 256,
                            thumbnailCacheCount: Int = 1024, batchWindow: Duration = .milliseconds(3), maximumTextBatch: Int = 32,
                            precision: InferencePrecision = .fp32) throws {
        let model = try StoreModelSelection.model(for: store, requested: nil, options: ModelOptions(precision: precision),
                                                  emptyStore: .useDefaultModel)
        try self.init(store: store, model: model, name: name, decoder: decoder, thumbnailSide: thumbnailSide,
                      thumbnailCacheCount: thumbnailCacheCount, batchWindow: batchWindow, maximumTextBatch: maximumTextBatch)
    }

    /// Serves `store` with an already loaded `model` (recorded as the store's model when the store
    /// has none; another model's store is refused with `StoreError.modelMismatch`).
    public init(store: any CollectionStore, model: ImageTextModel, name: String, decoder: ImageDecoder = ImageDecoder(),
                thumbnailSide: Int = 256, thumbnailCacheCount: Int = 1024, batchWindow: Duration = .milliseconds(3),
                maximumTextBatch: Int = 32) throws {
        self.store = store
        self.model = model
        if try store.model() == nil { try store.begin(model: model.identity) } else { try store.verify(model: model.identity) }
        current = try CollectionSearch(store: store, model: model, backend: Self.backend(for: store))
        textBatcher = TextEmbeddingBatcher(model: model, window: batchWindow, maximumBatch: maximumTextBatch)
        self.name = name
        self.decoder = decoder
        thumbnails = ThumbnailCache(side: thumbnailSide, capacity: thumbnailCacheCount)
    }

    /// Exact in-memory search for SQLite; the store's HNSW index for PostgreSQL.
    static func backend(for store: any CollectionStore) -> SearchBackend {
        store.searchesInPlace ? .storeIndex(efSearch: nil) : .exact
    }

    /// The embedding dimension of the store's model.
    public var dimension: Int { model.identity.dimension }

    /// The search over the store's embeddings as of the last indexing pass.
    private var search: CollectionSearch {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    // MARK: Queries

    /// The top `k` images for a description, best first; the text is embedded, and searched,
    /// together with other queries arriving at the same time (`textBatcher`).
    public func search(text: String, k: Int) async throws -> [SearchHit] {
        try await textBatcher.search(text: text, k: k, in: search)
    }

    /// The top `k` images like an uploaded image (encoded bytes: PNG, JPEG, WebP, PGM), best first.
    public func search(imageData: Data, k: Int) async throws -> [SearchHit] {
        let query = try await embeddings(ofImageData: [imageData])   // [1, dimension]
        let search = self.search
        return try await ImageTextModel.offload { try search.search(embeddings: query, direction: .imageToImage, k: k)[0] }
    }

    /// The top `k` images like the stored item `id` (by its stored embedding, the item itself left
    /// out), or nil when the store has no embedded item `id`. Reads that one embedding from the
    /// store, so replicas over PostgreSQL stay stateless and a large store is never read whole.
    public func search(similarToItem id: Int64, k: Int) async throws -> [SearchHit]? {
        let search = self.search
        let store = self.store
        return try await ImageTextModel.offload {
            guard let vector = try store.embedding(of: .items, id: id) else { return nil }
            let query = Tensor(shape: [1, vector.count], scalars: vector)   // [1, dimension]
            let hits = try search.search(embeddings: query, direction: .imageToImage, k: k + 1)[0]
            return hits.filter { $0.id != id }.prefix(k).enumerated().map { offset, hit in
                var reranked = hit
                reranked.rank = offset + 1
                return reranked
            }
        }
    }

    /// The top `k` images (`direction` `.textToImage` or `.imageToImage`) or captions
    /// (`.imageToText`) for a vector in the model's space; it is L2-normalised first.
    public func search(vector: [Float], direction: RetrievalDirection, k: Int) async throws -> [SearchHit] {
        guard vector.count == dimension else { throw CollectionSearchError.wrongDimension(expected: dimension, given: vector.count) }
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard norm.isFinite, norm > 0 else { throw CollectionSearchError.invalidQueryVector }
        let query = Tensor(shape: [1, vector.count], scalars: vector.map { $0 / norm })   // [1, dimension]
        let search = self.search
        return try await ImageTextModel.offload { try search.search(embeddings: query, direction: direction, k: k)[0] }
    }

    /// L2-normalised embeddings `[texts.count, dimension]`, batched with concurrent text queries.
    public func embeddings(ofTexts texts: [String]) async throws -> Tensor {
        try await textBatcher.embeddings(ofTexts: texts)
    }

    /// L2-normalised embeddings `[images.count, dimension]` of encoded images, decoded with
    /// `decoder` (a file declaring more pixels than its limit is refused before decoding).
    public func embeddings(ofImageData images: [Data]) async throws -> Tensor {
        try await embeddingsAndSizes(ofImageData: images).embeddings
    }

    /// As `embeddings(ofImageData:)`, with each decoded image's width and height.
    public func embeddingsAndSizes(ofImageData images: [Data]) async throws -> (embeddings: Tensor, sizes: [(width: Int, height: Int)]) {
        guard let preprocessing = model.identity.preprocessing else {
            throw ModelError.invalidOption("\(model.identity.name) has no image tower")
        }
        let decoder = self.decoder, model = self.model
        return try await ImageTextModel.offload {
            let decoded = try images.enumerated().map { try decoder.decode($0.element, source: "image \($0.offset)") }
            let embeddings = try model.embed(images: preprocessing.batch(decoded))   // [images, dimension]
            return (embeddings, decoded.map { ($0.width, $0.height) })
        }
    }

    /// The number of tokens the text tower reads for `texts` (start and end tokens included).
    public func tokenCount(ofTexts texts: [String]) throws -> Int {
        try model.textEncoder.tokenize(texts).lengths.reduce(0, +)
    }

    // MARK: Items

    /// The stored items with these ids; unknown ids are left out.
    public func items(ids: [Int64]) throws -> [Int64: StoredItem] {
        try store.items(ids: ids)
    }

    /// Numbers of items and image embeddings.
    public func counts() throws -> (items: Int, embeddings: Int) {
        (try store.itemCount(), try store.embeddingCount(of: .items))
    }

    /// A PNG of the item's image with its longer side at most the cache's `side`, or nil when the
    /// store has no such item or the item has no file of its own (images inside data files). The
    /// file read is the one the store recorded, never a path from the caller.
    public func thumbnail(id: Int64) async throws -> Data? {
        if let cached = thumbnails[id] { return cached }
        guard let item = try store.items(ids: [id])[id], let path = item.metadata["path"] else { return nil }
        let decoder = self.decoder, side = thumbnails.side
        let png = try await ImageTextModel.offload {
            try ThumbnailCache.thumbnail(of: try decoder.decode(contentsOf: URL(fileURLWithPath: path)), side: side)
        }
        thumbnails[id] = png
        return png
    }

    // MARK: Indexing

    /// Indexes each folder (or collection file) into the store, one pass at a time, then makes the
    /// new embeddings visible to searches. Returns each pass's summary.
    public func index(locations: [URL]) async throws -> [String] {
        try await ImageTextModel.offload { [self] in
            indexingLock.lock()
            defer { indexingLock.unlock() }
            var summaries: [String] = []
            for location in locations {
                let indexing = try CollectionIndexing(SourceSpecification(location: location))
                let report = try indexing.index(into: store, model: model)
                summaries.append(try indexing.summary(of: report, store: store))
            }
            let refreshed = try CollectionSearch(store: store, model: model, backend: Self.backend(for: store))
            lock.lock()
            current = refreshed
            lock.unlock()
            return summaries
        }
    }
}
