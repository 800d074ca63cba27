import Foundation
import Models

/// One of any number of indexing workers, on any machines, filling one `PostgresStore` together.
///
/// Every worker lists the collection under its own mount of the shared root (keys are paths
/// relative to it, the same on every machine), queues what is new or changed (`enqueue`, each key
/// once), then claims leased batches until the queue is empty (`IndexJobQueue`): it embeds a
/// batch and commits its records together with the job's done mark. A worker killed at any moment
/// loses nothing (its batch is taken over when the lease expires) and duplicates nothing (records
/// are upserted by key). A bulk load drops the item HNSW index while rows go in, and the workers
/// that find the queue empty build it once (`PostgresVectorIndex`). Items record their file as
/// `pathPrefix` + key when a prefix is given (the root as the servers see it), else as this
/// worker's absolute path.
public struct DistributedIndexer: Sendable {
    public let store: PostgresStore
    public let model: ImageTextModel
    public var options: IndexingOptions
    /// This worker's name in the job table (default: host name and process id).
    public var worker: String
    /// How long a claimed batch stays this worker's before others may take it over.
    public var leaseSeconds: Double
    /// The collection root as search servers see it, ending in "/", recorded as items' `path`.
    public var pathPrefix: String?
    /// A bulk load (at least this many new keys, and at least as many as the collection holds)
    /// drops the item HNSW index and builds it once after the queue empties; nil keeps it live.
    public var bulkLoadMinimum: Int?

    public init(store: PostgresStore, model: ImageTextModel, options: IndexingOptions = IndexingOptions(), worker: String? = nil,
                leaseSeconds: Double = 60, pathPrefix: String? = nil, bulkLoadMinimum: Int? = 1000) {
        precondition(leaseSeconds > 0, "the lease must be positive")
        self.store = store
        self.model = model
        self.options = options
        self.worker = worker ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        self.leaseSeconds = leaseSeconds
        self.pathPrefix = pathPrefix.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        self.bulkLoadMinimum = bulkLoadMinimum
    }

    /// Queues the catalog's pending items and works until every queued batch is done (by this
    /// worker or others). `progress` gets the number of items this worker committed so far.
    public func index(_ catalog: SourceCatalog, progress: ((Int) -> Void)? = nil) throws -> IndexingReport {
        let start = DispatchTime.now().uptimeNanoseconds
        let identity = model.identity
        try store.begin(model: identity)
        guard let preprocessing = identity.preprocessing else { throw IndexingError.noImagePreprocessing(model: identity.name) }
        let indexer = Indexer(store: store, model: model, options: options)
        var report = IndexingReport()
        report.listingProblems = catalog.listingProblems
        let (pending, _) = try indexer.itemsToEmbed(catalog.items, report: &report)
        try store.enqueue(pending.map { (key: $0.key, fileState: $0.fileState) }, batchSize: max(1, options.batchSize),
                          retryingFailures: options.retriesFailures, deferringVectorIndexFrom: bulkLoadMinimum)
        let itemsByKey = Dictionary(catalog.items.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var committed = 0
        while true {
            guard let job = try store.claimJob(worker: worker, leaseSeconds: leaseSeconds) else {
                guard let wait = try store.secondsUntilNextFreeJob() else { break }   // nothing open: all done
                Thread.sleep(forTimeInterval: min(max(wait, 0.05), 1))
                continue
            }
            let items = job.keys.compactMap { itemsByKey[$0] }
            let missing = job.keys.filter { itemsByKey[$0] == nil }.map {
                IndexFailure(key: $0, fileState: nil, reason: "not found under this worker's root (\(worker)); check its mount of the collection")
            }
            let (records, failures) = try indexer.embedded(PreparedImageBatch(items: items, preprocessing: preprocessing, options: options),
                                                           pathPrefix: pathPrefix)
            try store.complete(job, with: IndexBatch(items: records, failures: failures + missing))
            report.embeddedItems += records.count
            report.failures += failures + missing
            committed += job.keys.count
            progress?(committed)
        }
        try store.buildMissingVectorIndexes()   // after a bulk load: one worker builds, the others wait for it
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return report
    }
}
