/// The tables of a `PostgresStore`, created and upgraded by numbered migrations recorded in
/// `clipkit_migrations` (applied under an advisory lock, so workers starting together do it once).
///
/// The same records as the SQLite store (`StoreSchema`): `model`, `store_state` (generation
/// counters), `items`, `captions`, `caption_items` (with each link's position), `failures`; plus
/// `store_options` (vector storage and HNSW settings). The embedding tables `item_embeddings` and
/// `caption_embeddings` (`vector(d)` or `halfvec(d)`, with an HNSW index on cosine distance) are
/// created when the store records its model, since their width is the model's dimension.
/// `index_jobs` (v2) is the distributed indexers' work queue (`DistributedIndexer`);
/// `store_options.vector_index_builds` (v3) counts the HNSW indexes built after a bulk load
/// (`PostgresStore.buildMissingVectorIndexes`).
enum PostgresSchema {
    /// (identifier, statements) in the order they apply.
    static let migrations: [(identifier: String, sql: String)] = [
        ("v1: store", """
            CREATE EXTENSION IF NOT EXISTS vector;
            CREATE TABLE model (
                id integer PRIMARY KEY CHECK (id = 1),
                name text NOT NULL,
                checkpoint_hash text NOT NULL,
                dimension integer NOT NULL CHECK (dimension > 0),
                preprocessing text,
                options text,
                created_at double precision NOT NULL
            );
            CREATE TABLE store_options (
                id integer PRIMARY KEY CHECK (id = 1),
                storage text NOT NULL,
                hnsw_m integer NOT NULL,
                hnsw_ef_construction integer NOT NULL
            );
            CREATE TABLE store_state (
                id integer PRIMARY KEY CHECK (id = 1),
                generation bigint NOT NULL,
                item_removal_generation bigint NOT NULL,
                caption_removal_generation bigint NOT NULL
            );
            INSERT INTO store_state VALUES (1, 0, 0, 0);
            CREATE TABLE items (
                id bigserial PRIMARY KEY,
                key text NOT NULL UNIQUE,
                size bigint NOT NULL,
                modification_time double precision NOT NULL,
                content_kind text NOT NULL,
                label text,
                metadata text NOT NULL DEFAULT '{}',
                generation bigint NOT NULL
            );
            CREATE INDEX items_by_label ON items(label);
            CREATE TABLE captions (
                id bigserial PRIMARY KEY,
                key text NOT NULL UNIQUE,
                text text NOT NULL,
                language text,
                generation bigint NOT NULL
            );
            CREATE TABLE caption_items (
                caption_id bigint NOT NULL REFERENCES captions(id) ON DELETE CASCADE,
                item_key text NOT NULL,
                position integer NOT NULL,
                PRIMARY KEY (caption_id, item_key)
            );
            CREATE INDEX caption_items_by_item ON caption_items(item_key);
            CREATE TABLE failures (
                key text PRIMARY KEY,
                size bigint,
                modification_time double precision,
                reason text NOT NULL,
                generation bigint NOT NULL
            );
            """),
        ("v2: index jobs", """
            CREATE TABLE index_jobs (
                id bigserial PRIMARY KEY,
                keys text[] NOT NULL,
                done boolean NOT NULL DEFAULT false,
                worker text,
                lease_until timestamptz,
                attempts integer NOT NULL DEFAULT 0
            );
            CREATE INDEX index_jobs_open ON index_jobs (id) WHERE NOT done;
            """),
        ("v3: vector index builds", """
            ALTER TABLE store_options ADD COLUMN vector_index_builds integer NOT NULL DEFAULT 0
            """),
    ]

    /// Tables the store may hold; a database holding any other table is not a store.
    static let tables: Set<String> = ["clipkit_migrations", "model", "store_options", "store_state", "items", "captions",
                                      "caption_items", "failures", "item_embeddings", "caption_embeddings", "index_jobs"]

    /// The embedding table of `owner` and its key column.
    static func embeddingTable(_ owner: EmbeddingOwner) -> (table: String, owners: String, foreignKey: String) {
        owner == .items ? ("item_embeddings", "items", "item_id") : ("caption_embeddings", "captions", "caption_id")
    }
}
