import Foundation

/// A dense, row-major Float32 tensor.
///
/// A tensor is a shape plus a contiguous window (`offset`, `count`) into a shared
/// `TensorStorage`. Reshaping and slicing along the first axis are free views; every other
/// operation writes a new storage. Operations never mutate their inputs, so views are safe to
/// share; the `withUnsafeMutableBufferPointer` escape hatch copies first when storage is shared.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public private(set) var storage: TensorStorage
    public let offset: Int

    /// Number of scalars (product of the shape; 1 for a scalar tensor).
    public var count: Int { shape.reduce(1, *) }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// Wraps `storage` starting at `offset` with `shape`.
    public init(shape: [Int], storage: TensorStorage, offset: Int = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(offset + shape.reduce(1, *) <= storage.count, "shape \(shape) exceeds storage")
        self.shape = shape
        self.storage = storage
        self.offset = offset
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(zeroed: shape.reduce(1, *)))
    }

    /// A tensor filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        let storage = TensorStorage(uninitialized: shape.reduce(1, *))
        storage.pointer.initialize(repeating: value, count: storage.count)
        self.init(shape: shape, storage: storage)
    }

    /// A tensor holding `scalars` in row-major order.
    public init(shape: [Int], scalars: [Float]) {
        precondition(scalars.count == shape.reduce(1, *),
                     "\(scalars.count) scalars do not fill shape \(shape)")
        let storage = TensorStorage(uninitialized: scalars.count)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.pointer.initialize(from: base, count: scalars.count) }
        }
        self.init(shape: shape, storage: storage)
    }

    /// A rank-0 tensor.
    public init(scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    /// A new tensor of `shape` whose scalars are written by `body` (the buffer is uninitialised).
    @inlinable
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let storage = TensorStorage(uninitialized: shape.reduce(1, *))
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
        self.init(shape: shape, storage: storage)
    }

    /// The scalars in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer + offset, count: count)) }

    /// The single scalar of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs one element, shape is \(shape)")
        return storage.pointer[offset]
    }

    /// Read-only access to the scalars.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer + offset, count: count))
    }

    /// Pointer to the first scalar; valid while the tensor is alive.
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer + offset }

    /// Mutable access; copies the scalars first unless this tensor is the storage's only user.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) || offset != 0 || count != storage.count {
            self = copy()
        }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer + offset, count: count))
    }

    /// A tensor with its own storage holding the same scalars.
    public func copy() -> Tensor {
        Tensor(shape: shape) { buffer in
            buffer.baseAddress!.initialize(from: pointer, count: count)
        }
    }
}

extension Tensor {
    /// Size of `axis`, negative axes counting from the end.
    public func size(_ axis: Int) -> Int { shape[normalizedAxis(axis)] }

    /// Maps a possibly negative axis into `0..<rank`.
    public func normalizedAxis(_ axis: Int) -> Int {
        let result = axis < 0 ? axis + rank : axis
        precondition(result >= 0 && result < Swift.max(rank, 1), "axis \(axis) out of range for shape \(shape)")
        return result
    }

    /// A view with a new shape of the same count; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[inferred] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: resolved, storage: storage, offset: offset)
    }

    /// Rows `range` of the first axis, as a view.
    public func slice(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "slice \(range) out of \(shape)")
        let rowSize = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst(), storage: storage, offset: offset + range.lowerBound * rowSize)
    }

    /// Row `index` of the first axis, as a view with one axis fewer.
    public subscript(index: Int) -> Tensor {
        slice(index..<(index + 1)).reshaped(Array(shape.dropFirst()))
    }

    /// The scalar at a full multi-index.
    public subscript(indices indices: Int...) -> Float {
        precondition(indices.count == rank, "need \(rank) indices for shape \(shape)")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "index \(indices) out of \(shape)")
            flat = flat * shape[axis] + index
        }
        return storage.pointer[offset + flat]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
