import Models
import Foundation
import Retrieval
import Tensor

/// Searches an indexed collection with a model that matches it: embeds a text or an image file,
/// finds the nearest images or captions, and names them by key, file path, label or text.
///
/// ```swift
/// let store = try EmbeddingStore.openExisting(at: url)
/// let model = try ModelRegistry.load(for: store, requested: nil)   // the store's own model
/// let hits = try CollectionSearch(store: store, model: model).search(.text("a cat"), k: 5)
/// ```
public final class CollectionSearch: @unchecked Sendable {
    public let store: any CollectionStore
    public let model: ImageTextModel
    public let retriever: Retriever

    /// Refuses a model other than the store's (`StoreError.modelMismatch`).
    public init(store: any CollectionStore, model: ImageTextModel, backend: SearchBackend = .exact) throws {
        self.store = store
        self.model = model
        retriever = try Retriever(store: store, model: model.identity, backend: backend)
    }

    /// The top `k` results for one query, best first (fewer when the store holds fewer).
    public func search(_ query: SearchQuery, k: Int) throws -> [SearchHit] {
        try search(embeddings: try embed(query), direction: query.direction, k: k)[0]
    }

    /// The top `k` images like the image file at `url`, leaving out the indexed entry of that very
    /// file (same standardised path), so "more like this" lists other images. Ranks start at 1.
    public func similarImages(to url: URL, k: Int, excludingQuery: Bool) throws -> [SearchHit] {
        guard excludingQuery else { return try search(.image(url), k: k) }
        let queryPath = url.standardizedFileURL.path
        let hits = try search(.image(url), k: k + 1).filter { hit in
            hit.path.map { URL(fileURLWithPath: $0).standardizedFileURL.path } != queryPath
        }
        return hits.prefix(k).enumerated().map { offset, hit in
            var reranked = hit
            reranked.rank = offset + 1
            return reranked
        }
    }

    /// The query's embedding `[1, dimension]`.
    public func embed(_ query: SearchQuery) throws -> Tensor {
        switch query {
        case let .text(text):
            return try model.embed(texts: [text])
        case let .image(url), let .captionsOf(url):
            let result = try model.embed(imageFiles: [url])
            if let failure = result.unreadable.first {
                throw CollectionSearchError.unreadableQueryImage(path: failure.path, reason: failure.reason)
            }
            return result.embeddings
        }
    }

    /// How many embeddings of `owner` a search sees. In memory (SQLite), the rows the retriever
    /// read, kept from the first search on: a `COUNT(*)` per search would walk every page of the
    /// embeddings table (10,000 rows ≈ 20 MB). A store that searches in place counts its own.
    func searchableCount(of owner: EmbeddingOwner) throws -> Int {
        if store.searchesInPlace { return try store.embeddingCount(of: owner) }
        do {
            return try retriever.embeddings(of: owner).count
        } catch SearchError.emptyDatabase {
            return 0
        }
    }

    /// The top `k` results of each query row `[queries, dimension]` in `direction`.
    public func search(embeddings: Tensor, direction: RetrievalDirection, k: Int) throws -> [[SearchHit]] {
        precondition(k > 0, "k must be positive")
        let owner = direction.database
        let available = try searchableCount(of: owner)
        guard available > 0 else {
            throw owner == .captions ? CollectionSearchError.noCaptions(storePath: store.location)
                : CollectionSearchError.noImages(storePath: store.location)
        }
        let results = try retriever.search(embeddings, direction: direction, k: min(k, available))
        let ids = results.flatMap { $0.map(\.id) }
        if owner == .captions {
            let captions = try store.captions(ids: ids)
            return results.map { hits in
                hits.enumerated().map { position, hit in
                    let caption = captions[hit.id]
                    return SearchHit(rank: position + 1, score: hit.score, key: hit.key, text: caption?.text, imageKeys: caption?.itemKeys,
                                     id: hit.id)
                }
            }
        }
        let items = try store.items(ids: ids)
        return results.map { hits in
            hits.enumerated().map { position, hit in
                let item = items[hit.id]
                return SearchHit(rank: position + 1, score: hit.score, key: hit.key, path: item?.metadata["path"], label: item?.label,
                                 id: hit.id)
            }
        }
    }
}
