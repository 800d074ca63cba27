import Tensor
import Testing

/// The tensor buffer pool's capacity is a setting (`clipkit serve` turns pooling off with it).
/// The pool is process-wide, so this test only asserts what holds whatever other tests allocate.
@Suite("Buffer pool")
struct BufferPoolTests {
    @Test("capacity 0 frees every pooled buffer at once and pools nothing more; restoring it pools again")
    func capacityIsASetting() {
        let original = BufferPool.capacityBytes
        defer { BufferPool.capacityBytes = original }
        BufferPool.capacityBytes = 0
        #expect(BufferPool.bytesHeld == 0)
        // A buffer large enough to be pooled goes straight back to malloc.
        do { _ = Tensor(zeros: [BufferPool.minimumCount * 2]) }
        #expect(BufferPool.bytesHeld == 0)
        #expect(BufferPool.capacityBytes == 0)
        BufferPool.capacityBytes = -5
        #expect(BufferPool.capacityBytes == 0)

        BufferPool.capacityBytes = 64 << 20
        do { _ = Tensor(zeros: [BufferPool.minimumCount * 2]) }
        #expect(BufferPool.bytesHeld <= 64 << 20)
    }

    @Test("the default capacity is an eighth of physical memory, between 256 MB and 4 GB")
    func defaultCapacityScalesWithMemory() {
        let gigabyte: UInt64 = 1 << 30
        #expect(BufferPool.defaultCapacityBytes(physicalMemory: 24 * gigabyte) == 3 << 30)
        #expect(BufferPool.defaultCapacityBytes(physicalMemory: 8 * gigabyte) == 1 << 30)
        #expect(BufferPool.defaultCapacityBytes(physicalMemory: 1 * gigabyte) == 256 << 20)
        #expect(BufferPool.defaultCapacityBytes(physicalMemory: 0) == 256 << 20)
        #expect(BufferPool.defaultCapacityBytes(physicalMemory: 256 * gigabyte) == 4 << 30)
        #expect(BufferPool.defaultCapacityBytes(physicalMemory: .max) == 4 << 30)
    }
}
