import Dispatch
import Foundation
import Models
import Tensor

/// Dynamic batching of concurrent text queries: the first query to arrive opens a short window;
/// the queries that arrive within it (at most `maximumBatch` texts; a full batch does not wait)
/// are embedded together in one model call, and each caller gets its own rows back. One call on
/// B short texts costs far less than B calls (the matrix products run on [B·tokens, width]
/// instead of [tokens, width]), so a busy server answers more queries per second for at most
/// `window` more latency. One model call runs at a time (it spreads over the cores itself); queries
/// whose window closes meanwhile go together into the next call. This is the adaptive batching of serving systems (Crankshaw et al.,
/// "Clipper", NSDI 2017; TensorFlow Serving's batch scheduler).
///
/// Each text's embedding does not depend on the others in its batch (rows are padded and masked),
/// so batched results equal one-at-a-time ones (to float rounding). A window of zero or a maximum
/// of one turns batching off: each call embeds its texts alone.
///
/// Text searches (`search(text:k:in:)`) ride in the same batch: after the model call, the queries
/// of one batch that search the same collection for the same k are scored in one exact search,
/// S = Q·Xᵀ for Q `[queries, dimension]` and the collection's X `[N, dimension]` (one matrix
/// product that reads X once, instead of one matrix–vector product per query that each read X).
///
/// ```swift
/// let batcher = TextEmbeddingBatcher(model: model, window: .milliseconds(3), maximumBatch: 32)
/// let query = try await batcher.embeddings(ofTexts: ["a cat"])   // [1, dimension]
/// ```
public final class TextEmbeddingBatcher: @unchecked Sendable {
    public let model: ImageTextModel
    public let window: Duration
    public let maximumBatch: Int

    /// What one caller waits for: its texts' rows, and its hits when it searched.
    private struct Answer: Sendable {
        let embeddings: Tensor   // [texts, dimension]
        let hits: [SearchHit]?
    }

    private struct Waiter {
        let texts: [String]
        /// The collection to search with the (single) text's embedding, and how many hits; nil: embeddings only.
        let search: (collection: CollectionSearch, k: Int)?
        let resumption: OneShotResumption<Answer>
    }

    private let lock = NSLock()
    private var pending: [Waiter] = []
    private var pendingTexts = 0
    /// Bumped whenever the pending queries leave, so a window timer set for earlier ones does nothing.
    private var generation = 0
    private var timerSet = false
    /// A model call is running; the next batch starts when it ends (it takes what piled up meanwhile).
    private var busy = false
    /// The pending queries' window has closed (or they fill a batch) while a call was running.
    private var ready = false
    private var calls = 0
    private var embeddedTexts = 0

    public init(model: ImageTextModel, window: Duration, maximumBatch: Int) {
        precondition(maximumBatch >= 1, "the maximum batch must be positive")
        self.model = model
        self.window = window
        self.maximumBatch = maximumBatch
    }

    /// Model calls made and texts embedded so far (their ratio is the mean batch size).
    public var statistics: (modelCalls: Int, texts: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (calls, embeddedTexts)
    }

    private func count(_ texts: Int) {
        lock.lock()
        calls += 1
        embeddedTexts += texts
        lock.unlock()
    }

    /// Whether queries wait for others at all.
    public var isBatching: Bool { window > .zero && maximumBatch > 1 }

    /// L2-normalised embeddings `[texts.count, dimension]`, computed with whatever other texts
    /// arrive within the window. A cancelled caller is resumed at once with `CancellationError`.
    public func embeddings(ofTexts texts: [String]) async throws -> Tensor {
        guard isBatching, !texts.isEmpty, texts.count < maximumBatch else {
            let model = self.model
            return try await ImageTextModel.offload { [self] in
                count(texts.count)
                return try model.embed(texts: texts)   // [texts, dimension]
            }
        }
        return try await enqueued(texts: texts, search: nil).embeddings
    }

    /// The top `k` images of `collection` for `text`, best first: the text is embedded with the
    /// other texts of its batch and searched together with the batch's other searches of
    /// `collection` for the same `k`. Without batching: embedded, then searched, alone.
    public func search(text: String, k: Int, in collection: CollectionSearch) async throws -> [SearchHit] {
        guard isBatching else {
            let model = self.model
            return try await ImageTextModel.offload { [self] in
                count(1)
                let query = try model.embed(texts: [text])   // [1, dimension]
                return try collection.search(embeddings: query, direction: .textToImage, k: k)[0]
            }
        }
        return try await enqueued(texts: [text], search: (collection, k)).hits ?? []
    }

    /// Waits in the batch for `texts` (and their search); a cancelled caller is resumed at once.
    private func enqueued(texts: [String], search: (collection: CollectionSearch, k: Int)?) async throws -> Answer {
        let resumption = OneShotResumption<Answer>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard resumption.install(continuation) else { return }
                enqueue(Waiter(texts: texts, search: search, resumption: resumption))
            }
        } onCancel: {
            resumption.resume(with: .failure(CancellationError()))
        }
    }

    private func enqueue(_ waiter: Waiter) {
        lock.lock()
        pending.append(waiter)
        pendingTexts += waiter.texts.count
        if pendingTexts >= maximumBatch {
            let batch = startOrMarkReady()
            lock.unlock()
            if let batch { DispatchQueue.global(qos: .userInitiated).async { self.run(batch) } }
            return
        }
        if !timerSet {
            timerSet = true
            let expected = generation
            let nanoseconds = window.components.seconds * 1_000_000_000 + window.components.attoseconds / 1_000_000_000
            DispatchQueue.global(qos: .userInitiated).asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
                self.windowClosed(generation: expected)
            }
        }
        lock.unlock()
    }

    /// The pending queries, leaving none; the caller holds the lock.
    private func takePending() -> [Waiter] {
        let batch = pending
        pending = []
        pendingTexts = 0
        generation += 1
        timerSet = false
        ready = false
        return batch
    }

    private func windowClosed(generation expected: Int) {
        lock.lock()
        guard expected == generation else {
            lock.unlock()
            return
        }
        let batch = startOrMarkReady()
        lock.unlock()
        if let batch { run(batch) }
    }

    /// The pending queries to embed now when no call is running (which the caller must then
    /// `run`), else nil with the queries marked ready for the next call; the caller holds the lock.
    private func startOrMarkReady() -> [Waiter]? {
        guard !busy else {
            ready = true
            return nil
        }
        busy = true
        return takePending()
    }

    /// Embeds `waiters`, then whatever became ready while it ran, until nothing is ready.
    private func run(_ waiters: [Waiter]) {
        var batch = waiters
        while true {
            embed(batch)
            lock.lock()
            guard ready, !pending.isEmpty else {
                busy = false
                lock.unlock()
                return
            }
            batch = takePending()
            lock.unlock()
        }
    }

    /// Embeds the waiters' texts in calls of at most `maximumBatch` texts and hands each its rows.
    private func embed(_ waiters: [Waiter]) {
        let waiting = waiters.filter { !$0.resumption.isFinished }   // cancelled callers are skipped
        var start = 0
        while start < waiting.count {
            var end = start, count = 0
            while end < waiting.count, end == start || count + waiting[end].texts.count <= maximumBatch {
                count += waiting[end].texts.count
                end += 1
            }
            let group = Array(waiting[start..<end])
            do {
                self.count(count)
                let embeddings = try model.embed(texts: group.flatMap(\.texts))   // [count, dimension]
                let width = embeddings.shape[1]
                var row = 0, searching: [(waiter: Waiter, embedding: Tensor)] = []
                for waiter in group {
                    let rows = waiter.texts.count
                    let own = Tensor(shape: [rows, width]) { output in   // [rows, dimension]
                        output.baseAddress!.initialize(from: embeddings.pointer + row * width, count: rows * width)
                    }
                    row += rows
                    if waiter.search == nil {
                        waiter.resumption.resume(with: .success(Answer(embeddings: own, hits: nil)))
                    } else {
                        searching.append((waiter, own))
                    }
                }
                searchTogether(searching)
            } catch {
                for waiter in group { waiter.resumption.resume(with: .failure(error)) }
            }
            start = end
        }
    }

    /// One exact search per (collection, k) for the searching waiters' one-row embeddings, each
    /// waiter resumed with its own hits (or the search's error).
    private func searchTogether(_ searching: [(waiter: Waiter, embedding: Tensor)]) {
        var remaining = searching
        while let first = remaining.first, let target = first.waiter.search {
            let together = remaining.filter { $0.waiter.search!.collection === target.collection && $0.waiter.search!.k == target.k }
            remaining.removeAll { $0.waiter.search!.collection === target.collection && $0.waiter.search!.k == target.k }
            let width = first.embedding.shape[1]
            let queries = Tensor(shape: [together.count, width]) { output in   // [queries, dimension]
                for (position, entry) in together.enumerated() {
                    (output.baseAddress! + position * width).initialize(from: entry.embedding.pointer, count: width)
                }
            }
            do {
                let hits = try target.collection.search(embeddings: queries, direction: .textToImage, k: target.k)
                for (position, entry) in together.enumerated() {
                    entry.waiter.resumption.resume(with: .success(Answer(embeddings: entry.embedding, hits: hits[position])))
                }
            } catch {
                for entry in together { entry.waiter.resumption.resume(with: .failure(error)) }
            }
        }
    }
}
