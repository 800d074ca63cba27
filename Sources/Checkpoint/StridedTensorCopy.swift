import Tensor

/// Builds a contiguous Float32 `Tensor` from a stored tensor: element type, storage offset and
/// strides as the file records them (PyTorch views, transposes and broadcasts included).
///
/// Contiguous, aligned, little-endian Float32 data becomes a zero-copy view of the file's bytes;
/// everything else is converted into new storage. Every index is bounds-checked against the
/// storage first, so a corrupt record throws instead of reading outside the file.
enum StridedTensorCopy {
    /// Where a tensor's elements live and how they are laid out.
    struct Layout {
        var dataType: CheckpointDataType
        var shape: [Int]
        var strides: [Int]
        /// Offset of the first element, in elements of `dataType`, from the start of `storage`.
        var offset: Int
    }

    /// Broadcast views may expand their storage this many times when materialised…
    static let maximumExpansion = 64
    /// …or up to this many elements (16 M, 64 MB), whichever is larger.
    static let minimumExpansionLimit = 1 << 24

    /// A Float32 view of all of `region`, kept alive by its owner.
    static func borrowedStorage(_ region: ByteRegion) -> TensorStorage? {
        guard let base = region.bytes.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return TensorStorage(borrowing: UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: Float.self),
                             count: region.count / MemoryLayout<Float>.size, owner: region.owner)
    }

    /// Row-major strides of `shape`.
    static func contiguousStrides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running = running &* max(shape[axis], 1)
        }
        return strides
    }

    /// Product of `shape`, or nil when a dimension is negative or the product overflows.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// The tensor described by `layout` over `storage`.
    /// - Parameters:
    ///   - sharedStorage: the one zero-copy Float32 `TensorStorage` of these bytes, or nil to copy.
    ///     Every view of the same bytes must come from the same `TensorStorage`: `Tensor` writes in
    ///     place when its storage is uniquely referenced, and two storage objects over one mapping
    ///     would let a write through one tensor show through another.
    static func makeTensor(
        name: String, path: String, layout requested: Layout, storage: ByteRegion, byteSwapped: Bool = false,
        sharedStorage: () -> TensorStorage?
    ) throws -> Tensor {
        var layout = requested
        func invalid(_ reason: String) -> CheckpointError {
            .invalidTensor(path: path, tensor: name, reason: reason)
        }
        guard let count = elementCount(of: layout.shape) else {
            throw invalid("shape \(layout.shape) has a negative dimension or overflows")
        }
        guard layout.strides.count == layout.shape.count else {
            throw invalid("\(layout.strides.count) strides for shape \(layout.shape)")
        }
        guard layout.strides.allSatisfy({ $0 >= 0 }), layout.offset >= 0 else {
            throw invalid("negative stride or offset (strides \(layout.strides), offset \(layout.offset))")
        }
        // The stride of an axis of size 1 is never used; zero keeps later arithmetic in range.
        for axis in layout.shape.indices where layout.shape[axis] == 1 { layout.strides[axis] = 0 }
        let elementSize = layout.dataType.byteSize
        guard count <= Int.max / 8 else { throw invalid("shape \(layout.shape) is too large") }
        if count > 0 {
            // Largest element index the view touches must lie inside the storage.
            var last = layout.offset
            for (dimension, stride) in zip(layout.shape, layout.strides) {
                let (step, overflow) = (dimension - 1).multipliedReportingOverflow(by: stride)
                let (sum, overflowSum) = last.addingReportingOverflow(step)
                guard !overflow, !overflowSum else { throw invalid("strides \(layout.strides) overflow") }
                last = sum
            }
            let available = storage.count / elementSize
            guard last < available else {
                throw invalid("view (offset \(layout.offset), shape \(layout.shape), strides \(layout.strides)) reaches element \(last) of a storage holding \(available) \(layout.dataType) elements")
            }
            // Broadcast views (stride 0) materialise more elements than they store; a corrupt
            // shape must not turn a small storage into a huge allocation.
            guard count <= max(Self.minimumExpansionLimit, available * Self.maximumExpansion) else {
                throw invalid("materialising shape \(layout.shape) would expand \(available) stored elements to \(count)")
            }
        }
        if count == 0 {
            return Tensor(shape: layout.shape, storage: TensorStorage(uninitialized: 0))
        }
        guard let base = storage.bytes.baseAddress else { throw invalid("storage has no bytes") }

        let contiguous = isContiguous(shape: layout.shape, strides: layout.strides)
        if layout.dataType == .float32, contiguous, !byteSwapped,
           Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0, let view = sharedStorage() {
            return Tensor(shape: layout.shape, storage: view, offset: layout.offset)
        }
        return Tensor(shape: layout.shape) { destination in
            gather(from: base, layout: layout, contiguous: contiguous, byteSwapped: byteSwapped,
                   into: destination.baseAddress!)
        }
    }

    /// True when `strides` are the row-major strides of `shape` (axes of size 1 may have any stride).
    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Copies the view row by row: the innermost axis is one strided conversion run.
    private static func gather(
        from base: UnsafeRawPointer, layout: Layout, contiguous: Bool, byteSwapped: Bool,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let dataType = layout.dataType
        let elementSize = dataType.byteSize
        let total = layout.shape.reduce(1, *)
        if contiguous || layout.shape.isEmpty {
            ScalarConversion.convert(from: base + layout.offset * elementSize, dataType: dataType, count: total,
                                     byteSwapped: byteSwapped, into: destination)
            return
        }
        let innerCount = layout.shape[layout.shape.count - 1]
        let innerStride = layout.strides[layout.strides.count - 1]
        let outerShape = Array(layout.shape.dropLast())
        let outerStrides = Array(layout.strides.dropLast())
        var index = [Int](repeating: 0, count: outerShape.count)
        var sourceElement = layout.offset
        var written = 0
        while written < total {
            ScalarConversion.convert(from: base + sourceElement * elementSize, dataType: dataType,
                                     count: innerCount, elementStride: innerStride, byteSwapped: byteSwapped,
                                     into: destination + written)
            written += innerCount
            // Odometer step over the outer axes.
            var axis = outerShape.count - 1
            while axis >= 0 {
                index[axis] += 1
                sourceElement &+= outerStrides[axis]
                if index[axis] < outerShape[axis] { break }
                sourceElement &-= outerStrides[axis] &* outerShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
