import Foundation
import PostgresNIO

extension PostgresStore {
    /// `CollectionStore.upsert`: one transaction; the `store_state` row is locked first, so
    /// concurrent writers (distributed workers) take generations one after another. Items and
    /// captions are upserted by key (`ON CONFLICT (key) DO UPDATE`), so a batch written twice (a
    /// worker whose lease expired while another redid its batch) leaves one row per key.
    @discardableResult
    public func upsert(_ batch: IndexBatch) throws -> Int64 {
        try EmbeddingStore.checkUniqueKeys(batch)
        return try session.transaction { try write(batch) }
    }

    /// `upsert`'s body, for callers that already opened the transaction (the job queue marks its
    /// job done in the same one).
    func write(_ batch: IndexBatch) throws -> Int64 {
        guard let model = try storedModel() else { throw StoreError.noModelRecorded(storePath: location) }
        for item in batch.items { try EmbeddingStore.validate(item.embedding, key: item.key, dimension: model.dimension) }
        for caption in batch.captions { try EmbeddingStore.validate(caption.embedding, key: caption.key, dimension: model.dimension) }
        let storage = try storeOptions()?.storage ?? .vector
        let generation = try session.query("SELECT generation FROM store_state WHERE id = 1 FOR UPDATE")[0].decode(Int64.self) + 1
        var replacedCaptions = false
        var replacedItems = try writeItems(batch.items, generation: generation, storage: storage)
        for caption in batch.captions {
            let id = try session.query("""
                INSERT INTO captions (key, text, language, generation) VALUES ($1, $2, $3, $4)
                ON CONFLICT (key) DO UPDATE SET text = EXCLUDED.text, language = EXCLUDED.language, generation = EXCLUDED.generation
                RETURNING id
                """, [.text(caption.key), .text(caption.text), .text(caption.language), .integer(generation)])[0].decode(Int64.self)
            try session.execute("DELETE FROM caption_items WHERE caption_id = $1", [.integer(id)])
            var seen = Set<String>()
            let keys = caption.itemKeys.filter { seen.insert($0).inserted }
            try session.execute("""
                INSERT INTO caption_items (caption_id, item_key, position) SELECT $1, link.item_key, link.ordinal::integer
                FROM unnest($2::text[]) WITH ORDINALITY AS link(item_key, ordinal)
                """, [.integer(id), .texts(keys)])
            replacedCaptions = try writeEmbedding(caption.embedding, owner: .captions, id: id, storage: storage) || replacedCaptions
        }
        for failure in batch.failures {
            let hadEmbedding = try session.query("""
                SELECT EXISTS (SELECT 1 FROM items i JOIN item_embeddings e ON e.item_id = i.id WHERE i.key = $1)
                """, [.text(failure.key)])[0].decode(Bool.self)
            try session.execute("DELETE FROM items WHERE key = $1", [.text(failure.key)])
            replacedItems = replacedItems || hadEmbedding
            try session.execute("""
                INSERT INTO failures (key, size, modification_time, reason, generation) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (key) DO UPDATE SET size = EXCLUDED.size, modification_time = EXCLUDED.modification_time,
                    reason = EXCLUDED.reason, generation = EXCLUDED.generation
                """, [.text(failure.key), .integer(failure.fileState?.size), .real(failure.fileState?.modificationTime), .text(failure.reason),
                      .integer(generation)])
        }
        try advance(to: generation, replacedItems: replacedItems, replacedCaptions: replacedCaptions)
        return generation
    }

    /// Upserts `items` and their embeddings in one statement (one round trip per batch, however
    /// large): the rows travel as one JSON array (`json_to_recordset`), items are upserted by key,
    /// their embeddings upserted (or removed, for an item without one) by the returned ids, and
    /// their failure records cleared; new items get ids in batch order, as with one row at a time. True when an embedding existed before (replaced or removed).
    private func writeItems(_ items: [ItemRecord], generation: Int64, storage: PostgresStoreOptions.Storage) throws -> Bool {
        guard !items.isEmpty else { return false }
        let rows = try items.map { item in
            PostgresItemRow(key: item.key, size: item.fileState.size, modificationTime: item.fileState.modificationTime,
                            contentKind: item.contentKind.rawValue, label: item.label,
                            metadata: String(decoding: try EmbeddingStore.jsonEncoder.encode(item.metadata), as: UTF8.self),
                            embedding: item.embedding.map(PostgresVector.text))
        }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        return try session.query("""
            WITH input AS (
                SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (key text, size bigint, modification_time float8, content_kind text,
                                                                         label text, metadata text, embedding text)) WITH ORDINALITY
                    AS r(key, size, modification_time, content_kind, label, metadata, embedding, position)
            ), written AS (
                INSERT INTO items (key, size, modification_time, content_kind, label, metadata, generation)
                SELECT key, size, modification_time, content_kind, label, metadata, $2 FROM input ORDER BY position   -- ids in batch order
                ON CONFLICT (key) DO UPDATE SET size = EXCLUDED.size, modification_time = EXCLUDED.modification_time,
                    content_kind = EXCLUDED.content_kind, label = EXCLUDED.label, metadata = EXCLUDED.metadata, generation = EXCLUDED.generation
                RETURNING id, key
            ), stored AS (
                INSERT INTO item_embeddings (item_id, embedding)
                SELECT w.id, i.embedding::\(storage.rawValue) FROM written w JOIN input i USING (key) WHERE i.embedding IS NOT NULL
                ON CONFLICT (item_id) DO UPDATE SET embedding = EXCLUDED.embedding
                RETURNING (xmax <> 0) AS replaced
            ), removed AS (
                DELETE FROM item_embeddings e USING written w JOIN input i USING (key)
                WHERE e.item_id = w.id AND i.embedding IS NULL RETURNING 1
            ), cleared AS (
                DELETE FROM failures WHERE key IN (SELECT key FROM input) RETURNING 1
            )
            SELECT (SELECT count(*) FROM stored WHERE replaced) + (SELECT count(*) FROM removed) > 0
            """, [.text(json), .integer(generation)])[0].decode(Bool.self)
    }

    /// Replaces (or removes) one embedding; true when one existed before.
    private func writeEmbedding(_ embedding: [Float]?, owner: EmbeddingOwner, id: Int64, storage: PostgresStoreOptions.Storage) throws -> Bool {
        let (table, _, foreignKey) = PostgresSchema.embeddingTable(owner)
        guard let embedding else {
            return try session.execute("DELETE FROM \(table) WHERE \(foreignKey) = $1", [.integer(id)]) > 0
        }
        return try session.query("""
            INSERT INTO \(table) (\(foreignKey), embedding) VALUES ($1, $2::\(storage.rawValue))
            ON CONFLICT (\(foreignKey)) DO UPDATE SET embedding = EXCLUDED.embedding RETURNING (xmax <> 0)
            """, [.integer(id), .text(PostgresVector.text(embedding))])[0].decode(Bool.self)
    }

    @discardableResult
    public func pruneItems(keeping keys: Set<String>) throws -> [String] {
        try session.transaction {
            let stored = try session.query("SELECT key FROM items ORDER BY id").map { try $0.decode(String.self) }
            let staleFailures = try session.query("SELECT key FROM failures").map { try $0.decode(String.self) }.filter { !keys.contains($0) }
            let removed = stored.filter { !keys.contains($0) }
            guard !removed.isEmpty || !staleFailures.isEmpty else { return [] }
            let generation = try session.query("SELECT generation FROM store_state WHERE id = 1 FOR UPDATE")[0].decode(Int64.self) + 1
            let hadEmbeddings = try hasEmbeddingTables() && session.query("""
                SELECT EXISTS (SELECT 1 FROM items i JOIN item_embeddings e ON e.item_id = i.id WHERE i.key = ANY($1::text[]))
                """, [.texts(removed)])[0].decode(Bool.self)
            try session.execute("DELETE FROM items WHERE key = ANY($1::text[])", [.texts(removed)])
            try session.execute("DELETE FROM failures WHERE key = ANY($1::text[])", [.texts(staleFailures)])
            try advance(to: generation, replacedItems: hadEmbeddings, replacedCaptions: false)
            return removed
        }
    }

    @discardableResult
    public func pruneCaptions(keeping keys: Set<String>) throws -> [String] {
        try session.transaction {
            let removed = try session.query("SELECT key FROM captions ORDER BY id").map { try $0.decode(String.self) }.filter { !keys.contains($0) }
            guard !removed.isEmpty else { return [] }
            let generation = try session.query("SELECT generation FROM store_state WHERE id = 1 FOR UPDATE")[0].decode(Int64.self) + 1
            try session.execute("DELETE FROM captions WHERE key = ANY($1::text[])", [.texts(removed)])
            try advance(to: generation, replacedItems: false, replacedCaptions: true)
            return removed
        }
    }

    private func advance(to generation: Int64, replacedItems: Bool, replacedCaptions: Bool) throws {
        try session.execute("""
            UPDATE store_state SET generation = $1,
                item_removal_generation = CASE WHEN $2 THEN $1 ELSE item_removal_generation END,
                caption_removal_generation = CASE WHEN $3 THEN $1 ELSE caption_removal_generation END
            WHERE id = 1
            """, [.integer(generation), .boolean(replacedItems), .boolean(replacedCaptions)])
    }
}

/// One item of a batch as `PostgresStore.writeItems` sends it (a row of `json_to_recordset`;
/// the embedding in pgvector's text form, so the server parses back the exact Float32 values).
private struct PostgresItemRow: Encodable {
    var key: String
    var size: Int64
    var modificationTime: Double
    var contentKind: String
    var label: String?
    var metadata: String
    var embedding: String?

    enum CodingKeys: String, CodingKey {
        case key, size, modificationTime = "modification_time", contentKind = "content_kind", label, metadata, embedding
    }

    func encode(to encoder: Encoder) throws {   // nil label and embedding as JSON null (not left out)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(size, forKey: .size)
        try container.encode(modificationTime, forKey: .modificationTime)
        try container.encode(contentKind, forKey: .contentKind)
        try container.encode(label, forKey: .label)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(embedding, forKey: .embedding)
    }
}
