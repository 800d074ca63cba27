import Foundation
import Imaging
import Models
import Tensor

/// Embeds a collection into a `CollectionStore` (SQLite or PostgreSQL), incrementally and resumably.
///
/// 1. Claims the store (`IndexingLock`: a second indexer is refused, naming the first), records
///    the model in the store, or refuses a store built with another model.
/// 2. Skips items whose size and modification time match the stored ones (and, unless
///    `retriesFailures`, files that failed before and have not changed); with `prunes`, deletes
///    stored items and captions the catalog no longer lists.
/// 3. Reads, decodes and preprocesses batch i + 1 on background threads while the model embeds
///    batch i; writes each batch's embeddings and failures in one transaction, so a killed run
///    resumes where it stopped, losing at most one batch and never duplicating.
/// 4. Embeds new or changed captions with the text tower, in batches, with their links.
/// Progress (count, rate, ETA) is reported after each committed batch. Items read from files get
/// the file's absolute path as metadata `path` (unless the source set one), so search results
/// name a file that can be opened; images with an Exif date get it as metadata `capture_time`
/// (`StoredItem.captureTime`).
public struct Indexer: Sendable {
    public let store: any CollectionStore
    public let model: ImageTextModel
    public var options: IndexingOptions

    public init(store: any CollectionStore, model: ImageTextModel, options: IndexingOptions = IndexingOptions()) {
        self.store = store
        self.model = model
        self.options = options
    }

    /// Lists `source` and indexes it.
    public func index(_ source: some DataSource, progress: ((IndexingProgress) -> Void)? = nil) throws -> IndexingReport {
        try index(source.catalog(), progress: progress)
    }

    /// Indexes the items and captions of `catalog`.
    public func index(_ catalog: SourceCatalog, progress: ((IndexingProgress) -> Void)? = nil) throws -> IndexingReport {
        let start = DispatchTime.now().uptimeNanoseconds
        let identity = model.identity
        // One indexer at a time: a second one would redo every batch the first has not committed.
        let lock = try store.claimForIndexing()
        defer { withExtendedLifetime(lock) {} }
        try store.begin(model: identity)
        var report = IndexingReport()
        report.listingProblems = catalog.listingProblems

        if options.prunes {
            report.prunedItems = try store.pruneItems(keeping: Set(catalog.items.map(\.key)))
            report.prunedCaptions = try store.pruneCaptions(keeping: Set(catalog.captions.map(\.key)))
        }
        let (pending, replacing) = try itemsToEmbed(catalog.items, report: &report)
        if !pending.isEmpty {
            guard let preprocessing = identity.preprocessing else { throw IndexingError.noImagePreprocessing(model: identity.name) }
            try embedItems(pending, replacing: replacing, preprocessing: preprocessing, report: &report, progress: progress)
        }
        try indexCaptions(catalog.captions, report: &report, progress: progress)
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return report
    }

    // MARK: Items

    /// The items to embed, and the keys among them that already have an (outdated) embedding.
    func itemsToEmbed(_ items: [SourceItem], report: inout IndexingReport) throws -> ([SourceItem], Set<String>) {
        let embedded = try store.embeddedItemStates()
        let failed = options.retriesFailures ? [:] : Dictionary(
            try store.failures().compactMap { failure in failure.fileState.map { (failure.key, $0) } },
            uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        let pending = items.filter { item in
            guard seen.insert(item.key).inserted else { return false }  // a key listed twice is indexed once
            if let state = item.fileState {
                if embedded[item.key] == state { report.unchangedItems += 1; return false }
                if failed[item.key] == state { report.previouslyFailedItems += 1; return false }
            }
            return true
        }
        return (pending, Set(pending.lazy.map(\.key).filter { embedded[$0] != nil }))
    }

    private func embedItems(_ items: [SourceItem], replacing: Set<String>, preprocessing: Preprocessing, report: inout IndexingReport,
                            progress: ((IndexingProgress) -> Void)?) throws {
        let batchSize = max(1, options.batchSize)
        let batchStarts = Array(stride(from: 0, to: items.count, by: batchSize))
        func prepare(_ batch: Int) -> PreparedImageBatch {
            let start = batchStarts[batch]
            return PreparedImageBatch(items: Array(items[start..<min(start + batchSize, items.count)]),
                                      preprocessing: preprocessing, options: options)
        }
        let meter = ProgressMeter(phase: .images, total: items.count)
        var next: PreparedImageBatch? = batchStarts.isEmpty ? nil : prepare(0)
        for batch in batchStarts.indices {
            let current = next!
            next = batch + 1 < batchStarts.count ? prepare(batch + 1) : nil
            let (records, failures) = try embedded(current)
            report.replacedItems += records.lazy.filter { replacing.contains($0.key) }.count
            try store.upsert(IndexBatch(items: records, failures: failures))
            report.embeddedItems += records.count
            report.failures += failures
            progress?(meter.advance(by: current.items.count, failed: failures.count))
        }
    }

    /// The records of a prepared batch: each item embedded (with its file's path as metadata
    /// `path`, unless the source set one, as `pathPrefix` + key when given) or failed with its reason.
    func embedded(_ batch: PreparedImageBatch, pathPrefix: String? = nil) throws -> (records: [ItemRecord], failures: [IndexFailure]) {
        let outcomes = batch.wait()
        var readyItems: [SourceItem] = [], readyTensors: [Tensor] = [], captureTimes: [Double?] = [], failures: [IndexFailure] = []
        for (item, outcome) in zip(batch.items, outcomes) {
            switch outcome {
            case let .ready(tensor, captureTime): readyItems.append(item); readyTensors.append(tensor); captureTimes.append(captureTime)
            case let .failed(reason): failures.append(IndexFailure(key: item.key, fileState: item.fileState, reason: reason))
            }
        }
        var records: [ItemRecord] = []
        guard !readyTensors.isEmpty else { return (records, failures) }
        let embeddings = try embed(expecting: readyTensors.count) {
            try model.embed(images: Tensor.stackingImages(readyTensors))   // [batch, dimension]
        }
        for (row, item) in readyItems.enumerated() {
            switch finished(embeddings, row: row) {
            case let .success(vector):
                var metadata = item.metadata
                if case let .file(path) = item.content, metadata["path"] == nil {
                    metadata["path"] = pathPrefix.map { $0 + item.key } ?? path.absolute.escapedText
                }
                if let captureTime = captureTimes[row], metadata[StoredItem.captureTimeKey] == nil {
                    metadata[StoredItem.captureTimeKey] = StoredItem.metadataText(captureTime: captureTime)
                }
                records.append(ItemRecord(key: item.key, fileState: item.fileState!, contentKind: item.contentKind,
                                          label: item.label, metadata: metadata, embedding: vector))
            case let .failure(reason):
                failures.append(IndexFailure(key: item.key, fileState: item.fileState, reason: "\(item.content.source): \(reason)"))
            }
        }
        return (records, failures)
    }

    // MARK: Captions

    private func indexCaptions(_ captions: [SourceCaption], report: inout IndexingReport,
                               progress: ((IndexingProgress) -> Void)?) throws {
        guard !captions.isEmpty else { return }
        let stored = Dictionary(try store.captions().map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        let pending = captions.filter { caption in
            guard seen.insert(caption.key).inserted else { return false }
            if let existing = stored[caption.key], existing.text == caption.text, existing.language == caption.language,
               Set(existing.itemKeys) == Set(caption.itemKeys), existing.hasEmbedding || !options.embedsCaptions {
                report.unchangedCaptions += 1
                return false
            }
            return true
        }
        let batchSize = max(1, options.textBatchSize)
        let meter = ProgressMeter(phase: .captions, total: pending.count)
        for start in stride(from: 0, to: pending.count, by: batchSize) {
            let batch = Array(pending[start..<min(start + batchSize, pending.count)])
            var records = batch.map { CaptionRecord(key: $0.key, text: $0.text, language: $0.language, itemKeys: $0.itemKeys, embedding: nil) }
            var failures = 0
            if options.embedsCaptions {
                let embeddings = try embed(expecting: batch.count) { try model.embed(texts: batch.map(\.text)) }
                for row in records.indices {
                    if case let .success(vector) = finished(embeddings, row: row) { records[row].embedding = vector } else { failures += 1 }
                }
            }
            try store.upsert(IndexBatch(captions: records))
            report.embeddedCaptions += records.count - failures
            progress?(meter.advance(by: batch.count, failed: failures))
        }
    }

    // MARK: Helpers

    /// Runs a model call and checks it returned `[count, dimension]`.
    private func embed(expecting count: Int, _ call: () throws -> Tensor) throws -> Tensor {
        let output = try call()
        let expected = [count, model.identity.dimension]
        guard output.shape == expected else {
            throw IndexingError.unexpectedModelOutput(model: model.identity.name, expected: expected, actual: output.shape)
        }
        return output
    }

    /// Row `row` as a stored vector (the model's unit-length rows), or why it cannot be stored.
    private func finished(_ embeddings: Tensor, row: Int) -> Result<[Float], IndexFailureReason> {
        if let problem = EmbeddingRowCheck.problem(in: embeddings, row: row) { return .failure(IndexFailureReason(problem)) }
        let dimension = embeddings.shape[1]
        return .success(Array(UnsafeBufferPointer(start: embeddings.pointer + row * dimension, count: dimension)))
    }
}

/// A per-item reason carried through `Result`.
struct IndexFailureReason: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Counts processed items and turns them into `IndexingProgress` with a rate and an ETA.
final class ProgressMeter {
    let phase: IndexingProgress.Phase
    let total: Int
    private let start = DispatchTime.now().uptimeNanoseconds
    private var completed = 0, failed = 0

    init(phase: IndexingProgress.Phase, total: Int) {
        self.phase = phase
        self.total = total
    }

    func advance(by count: Int, failed newFailures: Int) -> IndexingProgress {
        completed += count
        failed += newFailures
        let elapsed = max(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, 1e-9)
        let rate = Double(completed) / elapsed
        return IndexingProgress(phase: phase, completed: completed, total: total, failed: failed, itemsPerSecond: rate,
                                estimatedSecondsRemaining: rate > 0 ? Double(total - completed) / rate : nil)
    }
}
