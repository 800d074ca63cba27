extension Tensor {
    /// Axes reordered: result axis i is source axis `order[i]` (PyTorch's `permute`).
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) does not fit rank \(rank)")
        if order == Array(0..<rank) { return self }
        var sourceStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { sourceStrides[axis] = sourceStrides[axis + 1] * shape[axis + 1] }
        let newShape = order.map { shape[$0] }
        let strides = order.map { sourceStrides[$0] }
        let source = pointer
        if order.last == rank - 1 {
            // The last axis stays last: copy contiguous runs, one per outer index.
            let run = shape[rank - 1]
            let outerShape = Array(newShape.dropLast()), outerStrides = Array(strides.dropLast())
            let runOffsets = Tensor.offsets(shape: outerShape, strides: outerStrides)
            return Tensor(shape: newShape) { output in
                let destination = output.baseAddress!
                ThreadPolicy.parallelFor(runOffsets.count, workPerItem: run) { range in
                    for index in range { (destination + index * run).initialize(from: source + runOffsets[index], count: run) }
                }
            }
        }
        return Tensor(shape: newShape) { output in
            var index = 0
            forEachOffset(shape: newShape, strides: strides) { offset in
                output[index] = source[offset]
                index += 1
            }
        }
    }

    /// The last two axes swapped.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transpose needs rank ≥ 2, got \(shape)")
        var order = Array(0..<rank)
        order.swapAt(rank - 1, rank - 2)
        return permuted(order)
    }

    /// Tensors joined along `axis`; all other sizes must agree.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
        let first = tensors[0]
        let axis = first.normalizedAxis(axis)
        for tensor in tensors {
            precondition(tensor.rank == first.rank
                && tensor.shape.enumerated().allSatisfy { $0.offset == axis || $0.element == first.shape[$0.offset] },
                "concatenate: shape \(tensor.shape) does not match \(first.shape) outside axis \(axis)")
        }
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        var newShape = first.shape
        newShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let total = newShape[axis]
        return Tensor(shape: newShape) { output in
            var position = 0
            for tensor in tensors {
                let block = tensor.shape[axis] * inner
                let source = tensor.pointer
                for outerIndex in 0..<outer {
                    (output.baseAddress! + outerIndex * total * inner + position * inner)
                        .update(from: source + outerIndex * block, count: block)
                }
                position += tensor.shape[axis]
            }
        }
    }

    /// Pieces of the given sizes along `axis` (the inverse of `concatenate`).
    public func split(sizes: [Int], alongAxis axis: Int) -> [Tensor] {
        let axis = normalizedAxis(axis)
        precondition(sizes.reduce(0, +) == shape[axis], "split sizes \(sizes) do not add up to \(shape[axis])")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return narrowed(alongAxis: axis, start: start, length: size)
        }
    }

    /// The slice `start..<start+length` of `axis`; a view when `axis` is the first non-unit axis.
    public func narrowed(alongAxis axis: Int, start: Int, length: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(start >= 0 && length >= 0 && start + length <= shape[axis], "narrow \(start)+\(length) outside \(shape)")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var newShape = shape
        newShape[axis] = length
        if outer == 1 {
            return Tensor(shape: newShape, storage: storage, offset: offset + start * inner)
        }
        let source = pointer, full = shape[axis]
        return Tensor(shape: newShape) { output in
            for outerIndex in 0..<outer {
                (output.baseAddress! + outerIndex * length * inner)
                    .initialize(from: source + (outerIndex * full + start) * inner, count: length * inner)
            }
        }
    }

    /// Rows of `weight` `[vocabulary, width]` picked by `indices`: `[indices.count, width]`.
    public static func gather(rowsOf weight: Tensor, indices: [Int]) -> Tensor {
        precondition(weight.rank == 2, "gather needs a [vocabulary, width] table, got \(weight.shape)")
        let width = weight.shape[1], vocabulary = weight.shape[0]
        let source = weight.pointer
        return Tensor(shape: [indices.count, width]) { output in
            for (row, index) in indices.enumerated() {
                precondition(index >= 0 && index < vocabulary, "index \(index) outside vocabulary of \(vocabulary)")
                (output.baseAddress! + row * width).initialize(from: source + index * width, count: width)
            }
        }
    }

    /// Adds each row of `self` `[indices.count, width]` into row `indices[i]` of a zero
    /// `[vocabulary, width]` table (the adjoint of `gather`).
    public func scatterAddRows(indices: [Int], vocabulary: Int) -> Tensor {
        let width = shape.last ?? 1
        let source = pointer
        var result = Tensor(zeros: [vocabulary, width])
        result.withUnsafeMutableBufferPointer { table in
            for (row, index) in indices.enumerated() {
                for column in 0..<width { table[index * width + column] += source[row * width + column] }
            }
        }
        return result
    }
}
