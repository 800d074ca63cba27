import ArgumentParser
import CLIPKit
import Foundation
import Retrieval

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Embed a collection of images (and captions) into a searchable store.",
        discussion: """
            The store is one SQLite file (or a PostgreSQL database: --db postgres://…) holding the embeddings, captions, the model's identity and \
            the files that could not be read. Indexing is incremental: files whose size and modification \
            time are unchanged are skipped, changed ones re-embedded, and --prune forgets deleted ones. \
            Each batch commits on its own, so an interrupted run (Ctrl-C, kill -9, a crash) resumes \
            where it stopped when run again, losing nothing and duplicating nothing.

            Layouts (--format; detected when obvious):
              folder         every JPEG/PNG/WebP under a folder (recursive)
              class-folders  root/<class>/<image>; a caption per class
              csv, tsv       a caption table with a header: image,caption
              coco           COCO captions JSON; images from --image-root
                             (default: <split>/ beside annotations/)
              chinese-clip   <split>_texts.jsonl + <split>_imgs.tsv

            Examples:
              clipkit index ~/Pictures --db photos.db
              # after deleting photos: forget them too
              clipkit index ~/Pictures --db photos.db --prune
              clipkit index captions.csv --db flickr.db --caption-column sentence
              # a faiss HNSW index beside the store, for large collections
              clipkit index annotations/captions_val2017.json --db coco.db \\
                --ann HNSW32
              # a CLIP checkpoint (file, Hugging Face or OpenCLIP folder)
              clipkit index photos --db clip.db --model ~/models/clip-vit-b-32
              # PostgreSQL + pgvector (HNSW), and workers on two machines sharing it
              clipkit index ~/Pictures --db postgres://clip@db:5432/photos
              clipkit index /mnt/photos --db postgres://clip@db:5432/photos --distributed --path-prefix /srv/photos
            Then: clipkit search --db photos.db --text "a dog on the beach"
            """)

    @Argument(help: "The collection: a folder of images or a captions file (layouts above).", completion: .file())
    var source: String

    @Option(help: ArgumentHelp("The store: a SQLite file (created when missing) or postgres://user@host:port/database (PostgreSQL "
                               + "with pgvector; the database and tables are created when missing)."), completion: .file())
    var db: String

    @OptionGroup var postgresOptions: PostgresStoreOptionGroup

    /// A store refuses a model other than the one it was built with.
    @OptionGroup var modelOptions: ModelOptionGroup

    @OptionGroup var sourceOptions: CollectionSourceOptions

    @Option(help: ArgumentHelp("Also build or update a faiss index beside the store for fast search of large "
                                 + "collections: HNSW32, IVF1024,Flat, IVF1024,PQ32, Flat.", valueName: "factory"))
    var ann: String?

    @Flag(help: "Forget stored images and captions the collection no longer has.")
    var prune = false

    @Flag(help: "Try again files that failed before even if unchanged.")
    var retryFailures = false

    @Option(help: "Images per model call and per committed batch.")
    var batchSize = 32

    @Flag(help: "No progress bars.")
    var quiet = false

    @Flag(help: ArgumentHelp("PostgreSQL: work as one of several indexing workers (on any machines) sharing the collection "
                             + "through the store's job table; a killed worker's batch is taken over when its lease expires."))
    var distributed = false

    @Option(help: "With --distributed: seconds a claimed batch stays this worker's before others may take it over.")
    var leaseSeconds = 60.0

    @Option(help: ArgumentHelp("With --distributed: the collection root as search servers see it, recorded as each "
                               + "item's path (default: this worker's own path).", valueName: "path"))
    var pathPrefix: String?

    @Option(help: ArgumentHelp("With --distributed: a bulk load (at least this many new images, and at least as many as the store "
                               + "holds) drops the HNSW index while rows go in and builds it once when the last batch is done; 0 keeps it live."))
    var bulkLoadFrom = 1000

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard leaseSeconds > 0 else { throw ValidationError("--lease-seconds must be positive") }
        guard bulkLoadFrom >= 0 else { throw ValidationError("--bulk-load-from must be 0 or more") }
        if distributed, !PostgresLocation.isPostgresURL(db) {
            throw ValidationError("--distributed needs a PostgreSQL store: --db postgres://user@host:port/database")
        }
        if distributed, prune || ann != nil { throw ValidationError("--distributed indexes only: leave out --prune and --ann") }
    }

    func run() throws {
        let indexing = try sourceOptions.listing(source)
        note("\(indexing.specification.location.path) (\(indexing.format.rawValue)): \(indexing.catalog.items.count) images, "
             + "\(indexing.catalog.captions.count) captions")
        let store = try StoreLocation(argument: db).openForWriting(postgresOptions: postgresOptions.options)
        if ann != nil, !(store is EmbeddingStore) {
            throw ValidationError("--ann builds a faiss index beside a SQLite store; a PostgreSQL store keeps its own HNSW index")
        }
        let loaded = try modelOptions.load(for: store, emptyStore: .useDefaultModel)
        note("model: \(loaded.identity); interrupting is safe, run again to resume")
        var options = IndexingOptions()
        options.batchSize = batchSize
        options.prunes = prune
        options.retriesFailures = retryFailures
        if distributed, let store = store as? PostgresStore {
            let worker = DistributedIndexer(store: store, model: loaded, options: options, leaseSeconds: leaseSeconds, pathPrefix: pathPrefix,
                                            bulkLoadMinimum: bulkLoadFrom > 0 ? bulkLoadFrom : nil)
            note("worker \(worker.worker): claiming batches of \(batchSize) from the job table")
            let report = try worker.index(indexing.catalog) { committed in if !quiet { note("committed \(committed)") } }
            print(try indexing.summary(of: report, store: store))
            return
        }
        let report = try indexing.index(into: store, model: loaded, options: options, progress: quiet ? nil : IndexingProgressBars().show)
        if let store = store as? PostgresStore, try !store.buildMissingVectorIndexes().isEmpty {
            note("built the HNSW index an interrupted bulk load left missing")
        }
        print(try indexing.summary(of: report, store: store))
        if let ann, let store = store as? EmbeddingStore { try Self.synchronizeApproximateIndexes(store: store, factory: ann) }
    }

    /// Builds or brings up to date the faiss index of each side that has embeddings.
    static func synchronizeApproximateIndexes(store: EmbeddingStore, factory: String) throws {
        for owner in EmbeddingOwner.allCases where try store.embeddingCount(of: owner) > 0 {
            let start = Date()
            let (index, update) = try StoreApproximateIndex.synchronize(store: store, owner: owner, factory: factory)
            let what: String
            switch update {
            case .unchanged: what = "up to date"
            case let .appended(count): what = "appended \(count) vectors"
            case let .rebuilt(reason): what = "built (\(reason))"
            }
            print(String(format: "faiss %@ index of %@: %@, %d vectors, %.1f s → %@", factory, owner.rawValue, what, index.count,
                         Date().timeIntervalSince(start), StoreApproximateIndex.fileURL(for: store, owner: owner, factory: factory).path))
        }
    }
}
