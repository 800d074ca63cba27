import Foundation
import GRDB
import Tensor

extension EmbeddingStore {
    /// Number of items, with or without embeddings.
    public func itemCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM items") ?? 0 }
    }

    /// Number of embeddings of `owner`.
    public func embeddingCount(of owner: EmbeddingOwner = .items) throws -> Int {
        let table = owner == .items ? "item_embeddings" : "caption_embeddings"
        return try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    /// Every item, in id order.
    public func items() throws -> [StoredItem] {
        try pool.read { try Self.fetchItems($0, where: "") }
    }

    /// The items with the given store ids (search hits), by id; unknown ids are left out.
    public func items(ids: [Int64]) throws -> [Int64: StoredItem] {
        guard !ids.isEmpty else { return [:] }
        let list = Set(ids).map(String.init).joined(separator: ",")
        let found = try pool.read { try Self.fetchItems($0, where: "WHERE i.id IN (\(list))") }
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func fetchItems(_ database: Database, where filter: String) throws -> [StoredItem] {
        try Row.fetchAll(database, sql: """
            SELECT i.id, i.key, i.size, i.modification_time, i.content_kind, i.label, i.metadata,
                   EXISTS (SELECT 1 FROM item_embeddings e WHERE e.item_id = i.id) AS has_embedding
            FROM items i \(filter) ORDER BY i.id
            """).map { row in
            let metadataJSON: String = row["metadata"]
            let metadata = (try? JSONDecoder().decode([String: String].self, from: Data(metadataJSON.utf8))) ?? [:]
            return StoredItem(
                id: row["id"], key: row["key"],
                fileState: FileState(size: row["size"], modificationTime: row["modification_time"]),
                contentKind: ContentKind(rawValue: row["content_kind"]) ?? .image, label: row["label"],
                metadata: metadata, hasEmbedding: row["has_embedding"])
        }
    }

    /// The file state of every item that has an intact embedding, by key (what the incremental
    /// indexer skips). An embedding of the wrong length (a damaged file) is left out, so indexing
    /// again re-embeds the item, as the error that reports the damage advises.
    public func embeddedItemStates() throws -> [String: FileState] {
        try pool.read { database in
            var states: [String: FileState] = [:]
            let bytes = (try Self.storedModel(database)?.dimension ?? 0) * MemoryLayout<Float>.size
            let rows = try Row.fetchCursor(database, sql: """
                SELECT i.key, i.size, i.modification_time FROM items i JOIN item_embeddings e ON e.item_id = i.id
                WHERE length(e.vector) = ?
                """, arguments: [bytes])
            while let row = try rows.next() {
                states[row[0]] = FileState(size: row[1], modificationTime: row[2])
            }
            return states
        }
    }

    /// Files that could not be indexed, with the reason, in key order.
    public func failures() throws -> [IndexFailure] {
        try pool.read { database in
            try Row.fetchAll(database, sql: "SELECT key, size, modification_time, reason FROM failures ORDER BY key").map { row in
                let size: Int64? = row["size"], time: Double? = row["modification_time"]
                let state = size.flatMap { size in time.map { FileState(size: size, modificationTime: $0) } }
                return IndexFailure(key: row["key"], fileState: state, reason: row["reason"])
            }
        }
    }

    /// Every caption with the keys of the items it describes, in id order.
    public func captions() throws -> [StoredCaption] {
        try pool.read { try Self.fetchCaptions($0, where: "") }
    }

    /// The captions with the given store ids (search hits), by id; unknown ids are left out.
    public func captions(ids: [Int64]) throws -> [Int64: StoredCaption] {
        guard !ids.isEmpty else { return [:] }
        let list = Set(ids).map(String.init).joined(separator: ",")
        let found = try pool.read { try Self.fetchCaptions($0, where: "WHERE c.id IN (\(list))") }
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func fetchCaptions(_ database: Database, where filter: String) throws -> [StoredCaption] {
        var links: [Int64: [String]] = [:]
        let linkFilter = filter.replacingOccurrences(of: "c.id", with: "caption_id")
        let linkRows = try Row.fetchCursor(database, sql: "SELECT caption_id, item_key FROM caption_items \(linkFilter) ORDER BY rowid")
        while let row = try linkRows.next() { links[row[0], default: []].append(row[1]) }
        // A damaged (wrong-length) embedding counts as none, so indexing again replaces it.
        let bytes = (try storedModel(database)?.dimension ?? 0) * MemoryLayout<Float>.size
        return try Row.fetchAll(database, sql: """
            SELECT c.id, c.key, c.text, c.language,
                   EXISTS (SELECT 1 FROM caption_embeddings e WHERE e.caption_id = c.id AND length(e.vector) = ?) AS has_embedding
            FROM captions c \(filter) ORDER BY c.id
            """, arguments: [bytes]).map { row in
            let id: Int64 = row["id"]
            return StoredCaption(id: id, key: row["key"], text: row["text"], language: row["language"],
                                 itemKeys: links[id] ?? [], hasEmbedding: row["has_embedding"])
        }
    }

    /// The embeddings of `owner` as one `[count, dimension]` matrix in id order, read from one
    /// consistent snapshot. With `writtenAfter`, only rows written by later generations (what an
    /// append-only derived index still lacks).
    public func embeddings(of owner: EmbeddingOwner = .items, writtenAfter generation: Int64? = nil) throws -> EmbeddingMatrix {
        try embeddingSnapshot(of: owner, writtenAfter: generation).matrix
    }

    /// One stored embedding `[dimension]` by owner id, or nil when the id has none.
    public func embedding(of owner: EmbeddingOwner, id: Int64) throws -> [Float]? {
        try pool.read { database in
            guard let model = try Self.storedModel(database) else { throw StoreError.noModelRecorded(storePath: url.path) }
            let (embeddings, foreignKey) = owner == .items ? ("item_embeddings", "item_id") : ("caption_embeddings", "caption_id")
            guard let blob = try Data.fetchOne(database, sql: "SELECT vector FROM \(embeddings) WHERE \(foreignKey) = ?",
                                               arguments: [id]) else { return nil }
            var vector = [Float](repeating: 0, count: model.dimension)
            let intact = vector.withUnsafeMutableBufferPointer { VectorBlob.decode(blob, dimension: model.dimension, into: $0.baseAddress!) }
            guard intact else {
                throw damagedEmbedding("item id \(id)", dimension: model.dimension)
            }
            return vector
        }
    }

    /// The refusal of a stored vector blob that does not hold `dimension` Float32 values.
    private func damagedEmbedding(_ owner: String, dimension: Int) -> StoreError {
        .unreadableStore(path: url.path, reason: "the embedding of \(owner) does not hold \(dimension) Float32 values; the file is "
                         + "damaged: index the collection again (damaged embeddings are re-embedded)")
    }

    /// `embeddings(of:writtenAfter:)` with the store's generation counters from the same snapshot.
    public func embeddingSnapshot(of owner: EmbeddingOwner = .items,
                                  writtenAfter generation: Int64? = nil) throws -> (matrix: EmbeddingMatrix, state: StoreState) {
        try pool.read { database in
            guard let model = try Self.storedModel(database) else { throw StoreError.noModelRecorded(storePath: url.path) }
            let state = try Self.storedState(database)
            let (table, embeddings, foreignKey) = owner == .items
                ? ("items", "item_embeddings", "item_id") : ("captions", "caption_embeddings", "caption_id")
            let filter = generation.map { "WHERE o.generation > \($0)" } ?? ""
            let count = try Int.fetchOne(database, sql: """
                SELECT COUNT(*) FROM \(table) o JOIN \(embeddings) e ON e.\(foreignKey) = o.id \(filter)
                """) ?? 0
            let dimension = model.dimension
            var ids: [Int64] = [], keys: [String] = []
            ids.reserveCapacity(count)
            keys.reserveCapacity(count)
            let storage = TensorStorage(uninitialized: count * dimension)
            let rows = try Row.fetchCursor(database, sql: """
                SELECT o.id, o.key, e.vector FROM \(table) o JOIN \(embeddings) e ON e.\(foreignKey) = o.id \(filter) ORDER BY o.id
                """)
            while ids.count < count, let row = try rows.next() {
                let key: String = row[1]
                let intact = try row.withUnsafeData(atIndex: 2) { data in
                    data.map { VectorBlob.decode($0, dimension: dimension, into: storage.pointer + ids.count * dimension) } ?? false
                }
                guard intact else {
                    throw damagedEmbedding(key, dimension: dimension)
                }
                ids.append(row[0])
                keys.append(key)
            }
            let matrix = EmbeddingMatrix(owner: owner, ids: ids, keys: keys,
                                         vectors: Tensor(shape: [ids.count, dimension], storage: storage))
            return (matrix, state)
        }
    }

    /// For each row of `captions`, the rows of `images` it describes; and for each image, the
    /// captions that describe it: the ground truth of text→image and image→text retrieval.
    public func groundTruth(images: EmbeddingMatrix, captions: EmbeddingMatrix) throws -> GroundTruthLinks {
        let linksByCaption = try pool.read { database in
            var links: [String: [String]] = [:]
            let rows = try Row.fetchCursor(database, sql: """
                SELECT c.key, l.item_key FROM caption_items l JOIN captions c ON c.id = l.caption_id ORDER BY l.rowid
                """)
            while let row = try rows.next() { links[row[0], default: []].append(row[1]) }
            return links
        }
        return GroundTruthLinks(imageKeys: images.keys, captionKeys: captions.keys, itemKeysByCaption: linksByCaption)
    }
}
