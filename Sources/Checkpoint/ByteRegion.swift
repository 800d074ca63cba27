/// Read-only bytes together with the object that keeps them alive.
///
/// The owner is a `MemoryMappedFile` for data read in place, or a `HeapBytes` for data that had to
/// be inflated; tensors borrowing the bytes hold the owner.
struct ByteRegion: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    let owner: AnyObject

    var count: Int { bytes.count }

    /// A copy of the bytes (reading `bytes` after the region is gone would read freed memory).
    var array: [UInt8] { withExtendedLifetime(owner) { Array(bytes) } }
}

/// A heap allocation freed when the last region or tensor using it goes away.
final class HeapBytes: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    /// Allocates `count` uninitialised bytes, 64-byte aligned.
    init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
    }

    deinit { pointer.deallocate() }

    var region: ByteRegion {
        ByteRegion(bytes: UnsafeRawBufferPointer(start: pointer, count: count), owner: self)
    }
}
