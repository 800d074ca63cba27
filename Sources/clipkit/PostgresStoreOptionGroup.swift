import ArgumentParser
import Retrieval

/// How a new PostgreSQL store keeps its vectors (`PostgresStoreOptions`); ignored for SQLite and
/// for a PostgreSQL store that already recorded its model.
struct PostgresStoreOptionGroup: ParsableArguments {
    @Option(help: "PostgreSQL: store vectors as vector (float32) or halfvec (float16, half the size).")
    var vectorStorage: PostgresStoreOptions.Storage = .vector

    @Option(help: "PostgreSQL: HNSW links per vector (m).")
    var hnswM = 16

    @Option(help: "PostgreSQL: HNSW candidates examined while inserting (ef_construction, at least 2·m).")
    var hnswEfConstruction = 64

    func validate() throws {
        guard hnswM >= 2, hnswM <= 100 else { throw ValidationError("--hnsw-m must be between 2 and 100") }
        guard hnswEfConstruction >= 2 * hnswM, hnswEfConstruction <= 1000 else {
            throw ValidationError("--hnsw-ef-construction must be between 2·m and 1000")
        }
    }

    var options: PostgresStoreOptions {
        PostgresStoreOptions(storage: vectorStorage, hnswLinks: hnswM, hnswConstructionCandidates: hnswEfConstruction)
    }
}

extension PostgresStoreOptions.Storage: ExpressibleByArgument {}
