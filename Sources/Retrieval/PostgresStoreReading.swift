import Foundation
import PostgresNIO
import Tensor

extension PostgresStore {
    /// Whether the embedding tables exist (they are created with the model record).
    func hasEmbeddingTables() throws -> Bool {
        try session.query("SELECT to_regclass('item_embeddings') IS NOT NULL")[0].decode(Bool.self)
    }

    public func itemCount() throws -> Int {
        try session.query("SELECT count(*) FROM items")[0].decode(Int.self)
    }

    public func embeddingCount(of owner: EmbeddingOwner) throws -> Int {
        guard try hasEmbeddingTables() else { return 0 }
        return try session.query("SELECT count(*) FROM \(PostgresSchema.embeddingTable(owner).table)")[0].decode(Int.self)
    }

    public func items() throws -> [StoredItem] { try fetchItems(where: "", []) }

    public func items(ids: [Int64]) throws -> [Int64: StoredItem] {
        guard !ids.isEmpty else { return [:] }
        let found = try fetchItems(where: "WHERE i.id = ANY($1::bigint[])", [.texts(Set(ids).map(String.init))])
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func fetchItems(where filter: String, _ parameters: [PostgresParameter]) throws -> [StoredItem] {
        let hasEmbedding = try hasEmbeddingTables() ? "EXISTS (SELECT 1 FROM item_embeddings e WHERE e.item_id = i.id)" : "false"
        return try session.query("""
            SELECT i.id, i.key, i.size, i.modification_time, i.content_kind, i.label, i.metadata, \(hasEmbedding)
            FROM items i \(filter) ORDER BY i.id
            """, parameters).map { row in
            let (id, key, size, time, kind, label, metadataJSON, embedded) = try row.decode(
                (Int64, String, Int64, Double, String, String?, String, Bool).self)
            let metadata = (try? JSONDecoder().decode([String: String].self, from: Data(metadataJSON.utf8))) ?? [:]
            return StoredItem(id: id, key: key, fileState: FileState(size: size, modificationTime: time),
                              contentKind: ContentKind(rawValue: kind) ?? .image, label: label, metadata: metadata, hasEmbedding: embedded)
        }
    }

    public func embeddedItemStates() throws -> [String: FileState] {
        guard try hasEmbeddingTables() else { return [:] }
        var states: [String: FileState] = [:]
        for row in try session.query("SELECT i.key, i.size, i.modification_time FROM items i JOIN item_embeddings e ON e.item_id = i.id") {
            let (key, size, time) = try row.decode((String, Int64, Double).self)
            states[key] = FileState(size: size, modificationTime: time)
        }
        return states
    }

    public func failures() throws -> [IndexFailure] {
        try session.query("SELECT key, size, modification_time, reason FROM failures ORDER BY key").map { row in
            let (key, size, time, reason) = try row.decode((String, Int64?, Double?, String).self)
            let state = size.flatMap { size in time.map { FileState(size: size, modificationTime: $0) } }
            return IndexFailure(key: key, fileState: state, reason: reason)
        }
    }

    public func captions() throws -> [StoredCaption] { try fetchCaptions(where: "", []) }

    public func captions(ids: [Int64]) throws -> [Int64: StoredCaption] {
        guard !ids.isEmpty else { return [:] }
        let found = try fetchCaptions(where: "WHERE c.id = ANY($1::bigint[])", [.texts(Set(ids).map(String.init))])
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func fetchCaptions(where filter: String, _ parameters: [PostgresParameter]) throws -> [StoredCaption] {
        var links: [Int64: [String]] = [:]
        let linkFilter = filter.replacingOccurrences(of: "c.id", with: "caption_id")
        for row in try session.query("SELECT caption_id, item_key FROM caption_items \(linkFilter) ORDER BY caption_id, position", parameters) {
            let (id, key) = try row.decode((Int64, String).self)
            links[id, default: []].append(key)
        }
        let hasEmbedding = try hasEmbeddingTables() ? "EXISTS (SELECT 1 FROM caption_embeddings e WHERE e.caption_id = c.id)" : "false"
        return try session.query("SELECT c.id, c.key, c.text, c.language, \(hasEmbedding) FROM captions c \(filter) ORDER BY c.id",
                                 parameters).map { row in
            let (id, key, text, language, embedded) = try row.decode((Int64, String, String, String?, Bool).self)
            return StoredCaption(id: id, key: key, text: text, language: language, itemKeys: links[id] ?? [], hasEmbedding: embedded)
        }
    }

    /// `owner`'s embeddings in id order, read in one statement (one snapshot), streamed row by row
    /// into the matrix.
    public func embeddings(of owner: EmbeddingOwner) throws -> EmbeddingMatrix {
        guard let model = try storedModel() else { throw StoreError.noModelRecorded(storePath: location) }
        let dimension = model.dimension
        guard try hasEmbeddingTables() else {
            return EmbeddingMatrix(owner: owner, ids: [], keys: [], vectors: Tensor(shape: [0, dimension], storage: TensorStorage(uninitialized: 0)))
        }
        let (table, owners, foreignKey) = PostgresSchema.embeddingTable(owner)
        let collected = RowCollector(dimension: dimension)
        let location = self.location
        try session.forEachRow("""
            SELECT o.id, o.key, e.embedding::vector FROM \(owners) o JOIN \(table) e ON e.\(foreignKey) = o.id ORDER BY o.id
            """) { row in
            let (id, key, vector) = try row.decode((Int64, String, PostgresVector).self)
            guard vector.values.count == dimension else {
                throw StoreError.unreadableStore(path: location, reason: "the embedding of \(key) has \(vector.values.count) values, not \(dimension)")
            }
            collected.append(id: id, key: key, vector: vector.values)
        }
        return collected.matrix(owner: owner)
    }

    /// One stored embedding `[dimension]` by owner id, or nil when the id has none.
    public func embedding(of owner: EmbeddingOwner, id: Int64) throws -> [Float]? {
        guard let model = try storedModel() else { throw StoreError.noModelRecorded(storePath: location) }
        guard try hasEmbeddingTables() else { return nil }
        let (table, _, foreignKey) = PostgresSchema.embeddingTable(owner)
        guard let row = try session.query("SELECT embedding::vector FROM \(table) WHERE \(foreignKey) = $1", [.integer(id)]).first else {
            return nil
        }
        let vector = try row.decode(PostgresVector.self).values
        guard vector.count == model.dimension else {
            throw StoreError.unreadableStore(path: location, reason: "the embedding of id \(id) has \(vector.count) values, not \(model.dimension)")
        }
        return vector
    }

    public func groundTruth(images: EmbeddingMatrix, captions: EmbeddingMatrix) throws -> GroundTruthLinks {
        var links: [String: [String]] = [:]
        for row in try session.query("""
            SELECT c.key, l.item_key FROM caption_items l JOIN captions c ON c.id = l.caption_id ORDER BY l.caption_id, l.position
            """) {
            let (caption, item) = try row.decode((String, String).self)
            links[caption, default: []].append(item)
        }
        return GroundTruthLinks(imageKeys: images.keys, captionKeys: captions.keys, itemKeysByCaption: links)
    }

    /// Nearest neighbours by cosine distance inside PostgreSQL, one statement per query row:
    /// `ORDER BY embedding <=> q LIMIT k`. `.index(efSearch:)` lets the planner use the HNSW index
    /// with `SET LOCAL hnsw.ef_search = max(efSearch, k)` (HNSW returns at most ef_search rows);
    /// `.exact` turns index scans off for the transaction, so the server compares every vector.
    /// Scores are `1 − distance`; ties are broken by id.
    public func nearest(to queries: Tensor, owner: EmbeddingOwner, k: Int, mode: StoreSearchMode) throws -> [[RetrievedItem]] {
        precondition(queries.rank == 2 && k > 0, "queries must be [count, dimension] and k positive")
        guard let model = try storedModel() else { throw StoreError.noModelRecorded(storePath: location) }
        guard queries.shape[1] == model.dimension else {
            throw StoreError.dimensionMismatch(key: "query", expected: model.dimension, actual: queries.shape[1])
        }
        guard try embeddingCount(of: owner) > 0 else { throw SearchError.emptyDatabase }
        let storage = try storeOptions()?.storage ?? .vector
        let (table, owners, foreignKey) = PostgresSchema.embeddingTable(owner)
        let dimension = model.dimension
        return try (0..<queries.shape[0]).map { query in
            let vector = PostgresVector.text(queries.pointer + query * dimension, count: dimension)  // [dimension]
            return try session.transaction {
                switch mode {
                case .exact:
                    try session.execute("SET LOCAL enable_indexscan = off")
                    try session.execute("SET LOCAL enable_bitmapscan = off")
                case let .index(efSearch):
                    if let efSearch { try session.execute("SET LOCAL hnsw.ef_search = \(min(max(efSearch, k), 1000))") }
                }
                return try session.query("""
                    SELECT n.id, o.key, n.distance FROM (
                        SELECT \(foreignKey) AS id, embedding <=> $1::\(storage.rawValue) AS distance FROM \(table)
                        ORDER BY embedding <=> $1::\(storage.rawValue) LIMIT \(k)
                    ) n JOIN \(owners) o ON o.id = n.id ORDER BY n.distance, n.id
                    """, [.text(vector)]).map { row in
                    let (id, key, distance) = try row.decode((Int64, String, Double).self)
                    return RetrievedItem(key: key, id: id, score: Float(1 - distance))
                }
            }
        }
    }
}

/// Rows of an embedding matrix gathered from a row callback (which runs on a NIO thread while
/// the caller waits, so the unchecked sendability is safe).
private final class RowCollector: @unchecked Sendable {
    let dimension: Int
    var ids: [Int64] = [], keys: [String] = [], values: [Float] = []

    init(dimension: Int) { self.dimension = dimension }

    func append(id: Int64, key: String, vector: [Float]) {
        ids.append(id)
        keys.append(key)
        values.append(contentsOf: vector)
    }

    func matrix(owner: EmbeddingOwner) -> EmbeddingMatrix {
        let storage = TensorStorage(uninitialized: values.count)
        if !values.isEmpty { values.withUnsafeBufferPointer { storage.pointer.initialize(from: $0.baseAddress!, count: values.count) } }
        return EmbeddingMatrix(owner: owner, ids: ids, keys: keys, vectors: Tensor(shape: [ids.count, dimension], storage: storage))  // [count, dimension]
    }
}
