import Foundation

/// Reference-counted Float32 buffer behind one or more `Tensor` views.
///
/// A storage either owns heap memory (freed on deinit) or borrows memory kept alive by `owner`
/// (for example a memory-mapped checkpoint file), in which case it is read-only by convention.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    private let owner: AnyObject?

    /// Allocates `count` floats, zero-filled.
    public init(zeroed count: Int) {
        self.count = count
        pointer = BufferPool.take(count: count) ?? UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        owner = nil
    }

    /// Allocates `count` floats without initialising them; the caller writes every element.
    /// Large buffers may be reused from `BufferPool`.
    public init(uninitialized count: Int) {
        self.count = count
        pointer = BufferPool.take(count: count) ?? UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        owner = nil
    }

    /// Wraps memory owned by `owner`, which must outlive every use of the pointer.
    public init(borrowing pointer: UnsafeMutablePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = pointer
        self.count = count
        self.owner = owner
    }

    deinit {
        if owner == nil { BufferPool.give(pointer, count: max(count, 1)) }
    }
}
