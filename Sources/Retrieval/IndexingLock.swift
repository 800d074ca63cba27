import Foundation

/// The claim of one indexer on a store: an exclusive `flock` on `<store>.lock` beside the SQLite
/// file, held for the run and released by the kernel when the process ends, however it ends (so a
/// killed indexer never leaves the store locked). The file records the holder's process id, which
/// a refused second indexer reports (`StoreError.busy`).
public final class IndexingLock: @unchecked Sendable {
    /// The lock file.
    public let url: URL
    private let descriptor: Int32

    init(store: URL) throws {
        url = store.appendingPathExtension("lock")
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError.unreadableStore(path: store.path, reason: "cannot create its lock file \(url.path): "
                                             + String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: url, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            close(descriptor)
            throw StoreError.busy(path: store.path, processIdentifier: holder)
        }
        let pid = Array("\(ProcessInfo.processInfo.processIdentifier)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, pid.count, 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

extension EmbeddingStore {
    /// Claims the store for one indexing run; throws `StoreError.busy` naming the other indexer's
    /// process when one holds it. Keep the returned lock alive for the run.
    public func lockForIndexing() throws -> IndexingLock {
        try IndexingLock(store: url)
    }
}
