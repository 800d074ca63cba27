import Foundation
import PostgresNIO

/// A batch of item keys claimed from a `PostgresStore`'s job table, leased to one worker.
public struct IndexJob: Sendable, Equatable {
    public var id: Int64
    public var keys: [String]
}

/// The work queue distributed indexers share in PostgreSQL (`index_jobs`, see `PostgresSchema`).
///
/// - `enqueue`: under a transaction-scoped advisory lock, the pending keys that no open job holds
///   yet become new jobs of `batchSize` keys (so workers that start together queue each key once).
/// - `claim`: the first open job whose lease is free or expired, taken with
///   `FOR UPDATE SKIP LOCKED` (concurrent claims never block on, or get, the same row) and leased
///   to the worker for `leaseSeconds`: a worker killed mid-batch stops renewing nothing, its lease
///   runs out and another worker takes the job over.
/// - `complete`: the batch's records and the job's `done` mark commit in one transaction, so a
///   job is done exactly when its records are in. A slow worker whose lease expired may write the
///   same keys as the worker that took over: upserts by key leave one row each.
extension PostgresStore {
    /// Queues the `items` (key and file state) that no open job holds and that are not stored
    /// with that state already (embedded, or failed unless `retryingFailures`), in jobs of `batchSize`; returns how many jobs
    /// were added. Open jobs are read before stored records: a job's records and its done mark
    /// commit together, so every key is seen either in an open job or stored, never neither (a
    /// worker that listed the collection before another finished a batch queues nothing twice).
    ///
    /// With `deferringVectorIndexFrom`, a bulk load — at least that many keys queued now, and at
    /// least as many as the collection has embedded — drops the item HNSW index in the same
    /// transaction (see `PostgresVectorIndex`): workers then write plain rows, and the index is
    /// built once after the queue empties (`buildMissingVectorIndexes`).
    @discardableResult
    public func enqueue(_ items: [(key: String, fileState: FileState?)], batchSize: Int, retryingFailures: Bool = false,
                        deferringVectorIndexFrom bulkLoadMinimum: Int? = nil) throws -> Int {
        precondition(batchSize > 0, "batch size must be positive")
        return try session.transaction {
            try session.execute("SELECT pg_advisory_xact_lock(hashtext('clipkit index jobs'))")
            let queued = Set(try session.query("SELECT unnest(keys) FROM index_jobs WHERE NOT done").map { try $0.decode(String.self) })
            var stored: [String: FileState] = [:]
            for row in try session.query("""
                SELECT i.key, i.size, i.modification_time FROM items i JOIN item_embeddings e ON e.item_id = i.id WHERE i.key = ANY($1::text[])
                UNION ALL SELECT key, size, modification_time FROM failures WHERE key = ANY($1::text[]) AND size IS NOT NULL AND NOT $2
                """, [.texts(items.map(\.key)), .boolean(retryingFailures)]) {
                let (key, size, time) = try row.decode((String, Int64, Double).self)
                stored[key] = FileState(size: size, modificationTime: time)
            }
            let fresh = items.filter { !queued.contains($0.key) && ($0.fileState == nil || stored[$0.key] != $0.fileState) }.map(\.key)
            let jobs = stride(from: 0, to: fresh.count, by: batchSize).map { Array(fresh[$0..<min($0 + batchSize, fresh.count)]) }
            for job in jobs { try session.execute("INSERT INTO index_jobs (keys) VALUES ($1)", [.texts(job)]) }
            if let bulkLoadMinimum, !fresh.isEmpty, fresh.count >= bulkLoadMinimum, try fresh.count >= embeddingCount(of: .items) {
                try dropVectorIndex(of: .items)
            }
            return jobs.count
        }
    }

    /// Leases the next free job to `worker`, or nil when none is free right now.
    public func claimJob(worker: String, leaseSeconds: Double) throws -> IndexJob? {
        guard let row = try session.query("""
            UPDATE index_jobs SET worker = $1, lease_until = clock_timestamp() + make_interval(secs => $2), attempts = attempts + 1
            WHERE id = (SELECT id FROM index_jobs WHERE NOT done AND (lease_until IS NULL OR lease_until < clock_timestamp())
                        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, keys
            """, [.text(worker), .real(leaseSeconds)]).first else { return nil }
        let (id, keys) = try row.decode((Int64, [String]).self)
        return IndexJob(id: id, keys: keys)
    }

    /// Writes `batch` and marks `job` done, in one transaction. Returns the batch's generation.
    @discardableResult
    public func complete(_ job: IndexJob, with batch: IndexBatch) throws -> Int64 {
        try EmbeddingStore.checkUniqueKeys(batch)
        return try session.transaction {
            let generation = try write(batch)
            try session.execute("UPDATE index_jobs SET done = true, lease_until = NULL WHERE id = $1", [.integer(job.id)])
            return generation
        }
    }

    /// Jobs not done yet (claimed or not).
    public func openJobCount() throws -> Int {
        try session.query("SELECT count(*) FROM index_jobs WHERE NOT done")[0].decode(Int.self)
    }

    /// Seconds until the earliest lease of an open job runs out (0 when one is free now), nil when none is open.
    func secondsUntilNextFreeJob() throws -> Double? {
        // MIN over no rows is NULL (GREATEST would turn it into 0: clamp here instead).
        try session.query("""
            SELECT EXTRACT(EPOCH FROM MIN(COALESCE(lease_until, clock_timestamp())) - clock_timestamp())::float8
            FROM index_jobs WHERE NOT done
            """)[0].decode(Double?.self).map { max(0, $0) }
    }
}
