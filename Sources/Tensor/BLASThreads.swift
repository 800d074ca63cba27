import CBLAS
import Foundation

/// Keeps OpenBLAS's process-wide thread count steady while BLAS products run, so concurrent
/// callers get bit-identical results.
///
/// OpenBLAS splits a large product across its threads, and the split (hence the order of the
/// floating-point sums) depends on the thread count, which is one global setting. Code that
/// temporarily wants single-threaded BLAS (many small products run on our own threads, as
/// `Tensor.packedSelfAttention` does) takes the exclusive side of a reader–writer lock while it
/// changes the count; every other BLAS call takes the shared side. Products on different threads
/// still run at the same time; they only wait while a single-threaded section is open.
public enum BLASThreads {
    private static let lock: UnsafeMutablePointer<pthread_rwlock_t> = {
        let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
        return lock
    }()

    /// Runs `body`, which calls BLAS with the configured thread count.
    @inlinable
    public static func shared<Result>(_ body: () throws -> Result) rethrows -> Result {
        lockShared()
        defer { unlock() }
        return try body()
    }

    /// Runs `body` with BLAS single-threaded (for BLAS calls made from several of our threads at
    /// once), then restores the thread count.
    public static func singleThreaded<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_rwlock_wrlock(lock)
        openblas_set_num_threads(1)
        defer {
            openblas_set_num_threads(Int32(ThreadPolicy.threadCount))
            pthread_rwlock_unlock(lock)
        }
        return try body()
    }

    /// Sets OpenBLAS's thread count while no product runs.
    static func setThreadCount(_ count: Int) {
        pthread_rwlock_wrlock(lock)
        openblas_set_num_threads(Int32(count))
        pthread_rwlock_unlock(lock)
    }

    @usableFromInline
    static func lockShared() { pthread_rwlock_rdlock(lock) }

    @usableFromInline
    static func unlock() { pthread_rwlock_unlock(lock) }
}
