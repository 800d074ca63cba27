import Foundation

/// Recently freed large tensor buffers, kept for the next allocation of the same size.
///
/// A forward pass allocates the same activation sizes layer after layer and batch after batch.
/// Without reuse, each large buffer comes fresh from the kernel and every page of it faults on
/// first touch (about a fifth of a CLIP forward's CPU time went to the kernel's page zeroing).
/// Buffers of at least `minimumCount` floats are pooled up to a total of `capacityBytes`
/// (`defaultCapacityBytes`, or `CLIPKIT_BUFFER_POOL_MB`; 0 turns pooling off); beyond it the
/// oldest are freed. Reuse is by exact element count, most recent first. Thread-safe.
///
/// A training step keeps every activation on the tape until backward ends, so its working set
/// is the whole step's: the small U-Net of `clipkit-bench train` at batch 32 peaks near 2.1 GB.
/// With the pool at 256 MB most of that came fresh from the kernel each step (a quarter of the
/// step's samples in the kernel, 10 % in `clear_page` alone); with room for the step, the
/// kernel's share fell to 8 %. Hence a default that scales with the machine's memory.
public enum BufferPool {
    /// Smallest pooled buffer, in floats (256 KB); smaller ones go straight back to malloc.
    public static let minimumCount = 65_536
    /// Most bytes kept in the pool: `defaultCapacityBytes`, or `CLIPKIT_BUFFER_POOL_MB` at
    /// start-up; 0 turns pooling off. Lowering it frees the oldest buffers beyond the new limit
    /// at once.
    public static var capacityBytes: Int {
        get {
            lock.lock()
            defer { lock.unlock() }
            return capacity
        }
        set {
            lock.lock()
            capacity = max(0, newValue)
            let evicted = evictBeyondCapacity()
            lock.unlock()
            evicted.forEach { $0.deallocate() }
        }
    }

    /// An eighth of the machine's physical memory, at least 256 MB and at most 4 GB (3 GB on a
    /// 24 GB machine). Freed buffers beyond what the next allocations reuse cost this much memory
    /// at most; `releaseAll()` returns them.
    public static func defaultCapacityBytes(physicalMemory: UInt64 = ProcessInfo.processInfo.physicalMemory) -> Int {
        let eighth = Int(clamping: physicalMemory / 8)
        return min(max(eighth, 256 << 20), 4 << 30)
    }

    nonisolated(unsafe) private static var capacity: Int = {
        guard let megabytes = ProcessInfo.processInfo.environment["CLIPKIT_BUFFER_POOL_MB"].flatMap({ Int($0) }) else {
            return defaultCapacityBytes()
        }
        return max(0, megabytes) << 20
    }()
    nonisolated(unsafe) private static var entries: [(count: Int, pointer: UnsafeMutablePointer<Float>)] = []
    nonisolated(unsafe) private static var pooledBytes = 0
    private static let lock = NSLock()

    /// A pooled buffer of exactly `count` floats (uninitialised contents), if one is free.
    static func take(count: Int) -> UnsafeMutablePointer<Float>? {
        guard count >= minimumCount else { return nil }
        lock.lock()
        defer { lock.unlock() }
        guard capacity > 0, let index = entries.lastIndex(where: { $0.count == count }) else { return nil }
        pooledBytes -= count * MemoryLayout<Float>.stride
        return entries.remove(at: index).pointer
    }

    /// Keeps `pointer` for reuse, or frees it when it is small or pooling is off.
    static func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let bytes = count * MemoryLayout<Float>.stride
        lock.lock()
        guard count >= minimumCount, bytes <= capacity else {
            lock.unlock()
            pointer.deallocate()
            return
        }
        entries.append((count, pointer))
        pooledBytes += bytes
        let evicted = evictBeyondCapacity()
        lock.unlock()
        evicted.forEach { $0.deallocate() }
    }

    /// Drops the oldest entries until the pool fits its capacity; called with the lock held, the
    /// caller frees what it returns after unlocking.
    private static func evictBeyondCapacity() -> [UnsafeMutablePointer<Float>] {
        var evicted: [UnsafeMutablePointer<Float>] = []
        while pooledBytes > capacity {
            let oldest = entries.removeFirst()
            pooledBytes -= oldest.count * MemoryLayout<Float>.stride
            evicted.append(oldest.pointer)
        }
        return evicted
    }

    /// Frees every pooled buffer (for example after a large batch, to return memory).
    public static func releaseAll() {
        lock.lock()
        let freed = entries
        entries.removeAll()
        pooledBytes = 0
        lock.unlock()
        freed.forEach { $0.pointer.deallocate() }
    }

    /// Bytes currently held for reuse.
    public static var bytesHeld: Int {
        lock.lock()
        defer { lock.unlock() }
        return pooledBytes
    }
}
