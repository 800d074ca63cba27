import CBLAS
import Foundation

/// The one threading policy of CLIPKit's numeric code.
///
/// - Our own loops split work with `DispatchQueue.concurrentPerform` (about 1 µs per parallel
///   region) into at most `ThreadPolicy.threadCount` chunks, and only when the work is larger than
///   `minimumParallelWork` scalar operations; smaller work runs on the calling thread.
/// - OpenBLAS gets the same thread count explicitly through `openblas_set_num_threads`, so the two
///   pools never oversubscribe the cores; `BLASThreads` keeps that count steady while products run,
///   so concurrent callers get bit-identical results. Our loops never call BLAS from inside a parallel region
///   with more than one thread of BLAS: batched matrix products run one BLAS call at a time.
/// - A parallel region does not nest: `parallelFor` called from inside another region's body runs
///   on its calling thread (`isInsideParallelRegion`), so code that splits a batch over the threads
///   (`Tensor.batchSlicedConv2d`) can call the element-wise loops it shares with the serial path.
/// - The count defaults to the number of active processors and can be set with the environment
///   variable `CLIPKIT_NUM_THREADS` or by assigning `ThreadPolicy.threadCount`.
public enum ThreadPolicy {
    nonisolated(unsafe) private static var storedThreadCount: Int = {
        let environment = ProcessInfo.processInfo.environment["CLIPKIT_NUM_THREADS"].flatMap { Int($0) }
        let count = max(1, environment ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(Int32(count))
        return count
    }()

    /// Threads used by our loops and by BLAS.
    public static var threadCount: Int {
        get { storedThreadCount }
        set {
            storedThreadCount = max(1, newValue)
            BLASThreads.setThreadCount(storedThreadCount)
        }
    }

    /// Below this many scalar operations a loop is not worth splitting.
    public static let minimumParallelWork = 32_768

    /// Runs `body(range)` over disjoint chunks covering `0..<count`, in parallel when the total
    /// `workPerItem * count` is large enough to pay for it and the caller is not itself the body of
    /// a parallel region.
    @inlinable
    public static func parallelFor(_ count: Int, workPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let threads = threadCount
        if threads == 1 || count == 1 || count * max(workPerItem, 1) < minimumParallelWork || isInsideParallelRegion {
            body(0..<count)
            return
        }
        let chunks = min(threads, count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { insideParallelRegion { body(start..<end) } }
        }
    }

    /// True on a thread that is running the body of a `parallelFor` region.
    @inlinable
    public static var isInsideParallelRegion: Bool { pthread_getspecific(parallelRegionKey) != nil }

    /// Runs `body` marked as part of a parallel region (nested `parallelFor` calls stay serial).
    @inlinable
    public static func insideParallelRegion<Result>(_ body: () throws -> Result) rethrows -> Result {
        let outer = pthread_getspecific(parallelRegionKey)
        pthread_setspecific(parallelRegionKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(parallelRegionKey, outer) }
        return try body()
    }

    /// The thread-specific flag behind `isInsideParallelRegion`.
    @usableFromInline
    static let parallelRegionKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
