import Foundation
import GRDB

extension EmbeddingStore {
    /// Writes a batch in one transaction: items and captions are inserted or updated by key
    /// (never duplicated), their embeddings replaced, and failures recorded. An item that succeeds
    /// clears its failure; an item that fails loses its stale row and embedding. Returns the
    /// transaction's generation.
    ///
    /// Throws before writing anything when a vector has the wrong width or a non-finite value,
    /// when a key repeats within the batch, or when no model was recorded (`begin(model:)`).
    @discardableResult
    public func upsert(_ batch: IndexBatch) throws -> Int64 {
        try Self.checkUniqueKeys(batch)
        return try pool.write { database in
            guard let model = try Self.storedModel(database) else { throw StoreError.noModelRecorded(storePath: url.path) }
            for item in batch.items { try Self.validate(item.embedding, key: item.key, dimension: model.dimension) }
            for caption in batch.captions { try Self.validate(caption.embedding, key: caption.key, dimension: model.dimension) }

            let generation = try Self.storedState(database).generation + 1
            var replacedItemEmbedding = false, replacedCaptionEmbedding = false
            for item in batch.items {
                replacedItemEmbedding = try Self.write(item, generation: generation, in: database) || replacedItemEmbedding
            }
            for caption in batch.captions {
                replacedCaptionEmbedding = try Self.write(caption, generation: generation, in: database) || replacedCaptionEmbedding
            }
            for failure in batch.failures {
                replacedItemEmbedding = try Self.deleteItem(key: failure.key, in: database) || replacedItemEmbedding
                try database.execute(
                    sql: "INSERT OR REPLACE INTO failures (key, size, modification_time, reason, generation) VALUES (?, ?, ?, ?, ?)",
                    arguments: [failure.key, failure.fileState?.size, failure.fileState?.modificationTime, failure.reason, generation])
            }
            try Self.advance(to: generation, replacedItems: replacedItemEmbedding, replacedCaptions: replacedCaptionEmbedding,
                             in: database)
            return generation
        }
    }

    /// Deletes the items (with their embeddings and failure records) whose keys are not in
    /// `keys`: the files that disappeared from the collection. Returns the deleted keys.
    @discardableResult
    public func pruneItems(keeping keys: Set<String>) throws -> [String] {
        try pool.write { database in
            let stored = try String.fetchAll(database, sql: "SELECT key FROM items ORDER BY id")
            let staleFailures = try String.fetchAll(database, sql: "SELECT key FROM failures").filter { !keys.contains($0) }
            let removed = stored.filter { !keys.contains($0) }
            guard !removed.isEmpty || !staleFailures.isEmpty else { return [] }
            let generation = try Self.storedState(database).generation + 1
            var replaced = false
            for key in removed { replaced = try Self.deleteItem(key: key, in: database) || replaced }
            for key in staleFailures { try database.execute(sql: "DELETE FROM failures WHERE key = ?", arguments: [key]) }
            try Self.advance(to: generation, replacedItems: replaced, replacedCaptions: false, in: database)
            return removed
        }
    }

    /// Deletes the captions whose keys are not in `keys`. Returns the deleted keys.
    @discardableResult
    public func pruneCaptions(keeping keys: Set<String>) throws -> [String] {
        try pool.write { database in
            let removed = try String.fetchAll(database, sql: "SELECT key FROM captions ORDER BY id").filter { !keys.contains($0) }
            guard !removed.isEmpty else { return [] }
            let generation = try Self.storedState(database).generation + 1
            for key in removed { try database.execute(sql: "DELETE FROM captions WHERE key = ?", arguments: [key]) }
            try Self.advance(to: generation, replacedItems: false, replacedCaptions: true, in: database)
            return removed
        }
    }

    // MARK: Steps

    static func checkUniqueKeys(_ batch: IndexBatch) throws {
        var itemKeys = Set<String>(), captionKeys = Set<String>()
        for key in batch.items.map(\.key) + batch.failures.map(\.key) where !itemKeys.insert(key).inserted {
            throw StoreError.duplicateKey(key: key)
        }
        for caption in batch.captions where !captionKeys.insert(caption.key).inserted {
            throw StoreError.duplicateKey(key: caption.key)
        }
    }

    static func validate(_ vector: [Float]?, key: String, dimension: Int) throws {
        guard let vector else { return }
        guard vector.count == dimension else { throw StoreError.dimensionMismatch(key: key, expected: dimension, actual: vector.count) }
        guard vector.allSatisfy(\.isFinite) else { throw StoreError.nonFiniteEmbedding(key: key) }
    }

    /// Inserts or updates one item; true when an embedding that existed before was replaced or removed.
    private static func write(_ item: ItemRecord, generation: Int64, in database: Database) throws -> Bool {
        let metadata = String(decoding: try jsonEncoder.encode(item.metadata), as: UTF8.self)
        let arguments: StatementArguments = [item.fileState.size, item.fileState.modificationTime, item.contentKind.rawValue,
                                             item.label, metadata, generation]
        let id: Int64
        var replaced = false
        let existingID = try Int64.fetchOne(database.cachedStatement(sql: "SELECT id FROM items WHERE key = ?"), arguments: [item.key])
        if let existing = existingID {
            id = existing
            try database.cachedStatement(sql: """
                UPDATE items SET size = ?, modification_time = ?, content_kind = ?, label = ?, metadata = ?, generation = ?
                WHERE id = ?
                """).execute(arguments: arguments + [id])
            try database.cachedStatement(sql: "DELETE FROM item_embeddings WHERE item_id = ?").execute(arguments: [id])
            replaced = database.changesCount > 0
        } else {
            try database.cachedStatement(sql: """
                INSERT INTO items (key, size, modification_time, content_kind, label, metadata, generation)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [item.key] + arguments)
            id = database.lastInsertedRowID
        }
        if let embedding = item.embedding {
            try database.cachedStatement(sql: "INSERT INTO item_embeddings (item_id, vector) VALUES (?, ?)")
                .execute(arguments: [id, VectorBlob.encode(embedding)])
        }
        try database.cachedStatement(sql: "DELETE FROM failures WHERE key = ?").execute(arguments: [item.key])
        return replaced
    }

    /// Inserts or updates one caption and its links; true when an existing embedding was replaced or removed.
    private static func write(_ caption: CaptionRecord, generation: Int64, in database: Database) throws -> Bool {
        let id: Int64
        var replaced = false
        let existingID = try Int64.fetchOne(
            database.cachedStatement(sql: "SELECT id FROM captions WHERE key = ?"), arguments: [caption.key])
        if let existing = existingID {
            id = existing
            try database.cachedStatement(sql: "UPDATE captions SET text = ?, language = ?, generation = ? WHERE id = ?")
                .execute(arguments: [caption.text, caption.language, generation, id])
            try database.cachedStatement(sql: "DELETE FROM caption_embeddings WHERE caption_id = ?").execute(arguments: [id])
            replaced = database.changesCount > 0
            try database.cachedStatement(sql: "DELETE FROM caption_items WHERE caption_id = ?").execute(arguments: [id])
        } else {
            try database.cachedStatement(sql: "INSERT INTO captions (key, text, language, generation) VALUES (?, ?, ?, ?)")
                .execute(arguments: [caption.key, caption.text, caption.language, generation])
            id = database.lastInsertedRowID
        }
        for itemKey in Set(caption.itemKeys) {
            try database.cachedStatement(sql: "INSERT INTO caption_items (caption_id, item_key) VALUES (?, ?)")
                .execute(arguments: [id, itemKey])
        }
        if let embedding = caption.embedding {
            try database.cachedStatement(sql: "INSERT INTO caption_embeddings (caption_id, vector) VALUES (?, ?)")
                .execute(arguments: [id, VectorBlob.encode(embedding)])
        }
        return replaced
    }

    /// Deletes an item and its embedding; true when it had an embedding.
    private static func deleteItem(key: String, in database: Database) throws -> Bool {
        let existingID = try Int64.fetchOne(database.cachedStatement(sql: "SELECT id FROM items WHERE key = ?"), arguments: [key])
        guard let id = existingID else {
            return false
        }
        let hadEmbedding = try Bool.fetchOne(
            database.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM item_embeddings WHERE item_id = ?)"), arguments: [id]) ?? false
        try database.cachedStatement(sql: "DELETE FROM items WHERE id = ?").execute(arguments: [id])
        return hadEmbedding
    }

    private static func advance(to generation: Int64, replacedItems: Bool, replacedCaptions: Bool, in database: Database) throws {
        try database.execute(sql: """
            UPDATE store_state SET generation = ?1,
                item_removal_generation = CASE WHEN ?2 THEN ?1 ELSE item_removal_generation END,
                caption_removal_generation = CASE WHEN ?3 THEN ?1 ELSE caption_removal_generation END
            WHERE id = 1
            """, arguments: [generation, replacedItems, replacedCaptions])
    }
}
