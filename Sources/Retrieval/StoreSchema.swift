import GRDB

/// The tables of an `EmbeddingStore` (SQLite in WAL mode).
///
/// - `model`: one row, the `ModelIdentity` the store was built with (preprocessing and options as
///   JSON; `options` since v2).
/// - `store_state`: one row of generation counters. Every write transaction takes the next
///   `generation`; `item_removal_generation` / `caption_removal_generation` record the last
///   transaction that deleted or replaced an embedding, so a derived index (faiss) built at
///   generation G can tell whether appending the rows written after G suffices or it must rebuild.
/// - `items`: one row per image (or text document) keyed by path or id, with size, modification
///   time, kind, label, metadata JSON and the generation that last wrote it.
/// - `item_embeddings`, `caption_embeddings`: little-endian Float32 blobs, one per row, deleted with
///   their owner. Vectors live inside SQLite rather than in a memory-mapped sidecar so a batch's
///   items and vectors commit atomically (a killed indexer loses at most the open batch);
///   `EmbeddingStore.embeddings(of:)` reads them into one contiguous matrix.
/// - `captions` and `caption_items`: caption texts and the item keys each describes (ground truth).
/// - `failures`: files that could not be indexed, with the reason and the file state at the time.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { database in
            try database.execute(sql: """
                CREATE TABLE model (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    name TEXT NOT NULL,
                    checkpoint_hash TEXT NOT NULL,
                    dimension INTEGER NOT NULL CHECK (dimension > 0),
                    preprocessing TEXT,
                    created_at REAL NOT NULL
                );
                CREATE TABLE store_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    generation INTEGER NOT NULL,
                    item_removal_generation INTEGER NOT NULL,
                    caption_removal_generation INTEGER NOT NULL
                );
                INSERT INTO store_state VALUES (1, 0, 0, 0);
                CREATE TABLE items (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    size INTEGER NOT NULL,
                    modification_time REAL NOT NULL,
                    content_kind TEXT NOT NULL,
                    label TEXT,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    generation INTEGER NOT NULL
                );
                CREATE INDEX items_by_label ON items(label);
                CREATE TABLE item_embeddings (
                    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
                    vector BLOB NOT NULL
                );
                CREATE TABLE captions (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    text TEXT NOT NULL,
                    language TEXT,
                    generation INTEGER NOT NULL
                );
                CREATE TABLE caption_items (
                    caption_id INTEGER NOT NULL REFERENCES captions(id) ON DELETE CASCADE,
                    item_key TEXT NOT NULL,
                    PRIMARY KEY (caption_id, item_key)
                );
                CREATE INDEX caption_items_by_item ON caption_items(item_key);
                CREATE TABLE caption_embeddings (
                    caption_id INTEGER PRIMARY KEY REFERENCES captions(id) ON DELETE CASCADE,
                    vector BLOB NOT NULL
                );
                CREATE TABLE failures (
                    key TEXT PRIMARY KEY,
                    size INTEGER,
                    modification_time REAL,
                    reason TEXT NOT NULL,
                    generation INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: model options") { database in
            try database.execute(sql: "ALTER TABLE model ADD COLUMN options TEXT")
            // v1 spelled the default model's ConSE T into its name: clipkit-default(T=5).
            let legacy = try Row.fetchOne(database, sql: "SELECT name FROM model WHERE id = 1")?["name"] as String?
            if let legacy, legacy.hasPrefix("clipkit-default(T="), legacy.hasSuffix(")"),
               let topCount = Int(legacy.dropFirst("clipkit-default(T=".count).dropLast()) {
                try database.execute(sql: "UPDATE model SET name = 'clipkit-default', options = ? WHERE id = 1",
                                     arguments: [#"{"top_count":\#(topCount)}"#])
            }
        }
        return migrator
    }
}
