import Models
import Tensor

/// What every collection store offers, whichever database holds it: the model identity (recorded
/// once, another model refused), records written in idempotent batches keyed by item and caption
/// key, reads of records and embeddings, and nearest-neighbour search by cosine similarity
/// `s(q, v) = q·v / (‖q‖‖v‖)` (for the unit-length rows the models produce, the inner product).
///
/// Two backends implement it with the same expectations (the contract tests in
/// `Tests/RetrievalTests/StoreContractTests.swift` run against both):
/// - `EmbeddingStore`: one SQLite file, embedded; the default.
/// - `PostgresStore`: PostgreSQL with pgvector, shared by indexing workers and search servers on
///   many machines; searches inside the database (HNSW or an exact scan).
/// `StoreLocation` opens either from a `--db` argument (a path or a `postgres://` URL).
public protocol CollectionStore: AnyObject, Sendable {
    /// Where the store lives, for messages: a file path, or a PostgreSQL URL without its password.
    var location: String { get }
    /// Whether the store was opened for queries only.
    var isReadOnly: Bool { get }

    /// Records `model` as the store's model on first use; afterwards refuses any other model with
    /// `StoreError.modelMismatch`.
    @discardableResult
    func begin(model: ModelIdentity) throws -> ModelIdentity
    /// Checks that the store was built with `model` (`StoreError.noModelRecorded`, `.modelMismatch`).
    func verify(model: ModelIdentity) throws
    /// The model the store was built with, or nil for a new store.
    func model() throws -> ModelIdentity?
    /// Generation counters (see `StoreSchema`).
    func state() throws -> StoreState

    /// Writes a batch atomically: items and captions inserted or updated by key (never
    /// duplicated), embeddings replaced, failures recorded. Returns the batch's generation.
    @discardableResult
    func upsert(_ batch: IndexBatch) throws -> Int64
    /// Deletes the items whose keys are not in `keys`; returns the deleted keys.
    @discardableResult
    func pruneItems(keeping keys: Set<String>) throws -> [String]
    /// Deletes the captions whose keys are not in `keys`; returns the deleted keys.
    @discardableResult
    func pruneCaptions(keeping keys: Set<String>) throws -> [String]
    /// Claims the store for one single-process indexing run (`StoreError.busy` when another holds
    /// it); keep the returned claim alive for the run.
    func claimForIndexing() throws -> AnyObject

    func itemCount() throws -> Int
    func embeddingCount(of owner: EmbeddingOwner) throws -> Int
    func items() throws -> [StoredItem]
    func items(ids: [Int64]) throws -> [Int64: StoredItem]
    /// The file state of every item with an intact embedding, by key (what indexing skips).
    func embeddedItemStates() throws -> [String: FileState]
    func failures() throws -> [IndexFailure]
    func captions() throws -> [StoredCaption]
    func captions(ids: [Int64]) throws -> [Int64: StoredCaption]
    /// `owner`'s embeddings as one `[count, dimension]` matrix in id order.
    func embeddings(of owner: EmbeddingOwner) throws -> EmbeddingMatrix
    /// The stored embedding of one item or caption by its id `[dimension]`, or nil when `id` has
    /// none: one row read, not the whole matrix (what "more like this" needs on a large store).
    func embedding(of owner: EmbeddingOwner, id: Int64) throws -> [Float]?
    /// The caption ↔ image ground truth of `images` and `captions` (rows of `embeddings(of:)`).
    func groundTruth(images: EmbeddingMatrix, captions: EmbeddingMatrix) throws -> GroundTruthLinks

    /// True when `nearest` runs inside the database (PostgreSQL); false when searching means
    /// reading the embeddings into memory first (SQLite: `Retriever` keeps them and faiss indexes).
    var searchesInPlace: Bool { get }
    /// The `k` nearest of `owner`'s embeddings to each query row `[queries, dimension]`, best first,
    /// scored by cosine similarity; `mode` picks an exact scan or the store's own vector index.
    func nearest(to queries: Tensor, owner: EmbeddingOwner, k: Int, mode: StoreSearchMode) throws -> [[RetrievedItem]]
}

/// How a store that searches in place finds neighbours.
public enum StoreSearchMode: Sendable, Equatable {
    /// Every vector compared (a sequential scan): the exact top k.
    case exact
    /// The store's approximate index (PostgreSQL: HNSW), examining `efSearch` candidates per
    /// query (`hnsw.ef_search`; nil keeps the server's setting, pgvector's default 40).
    case index(efSearch: Int?)
}
