extension Tensor {
    /// Splits the shape around `axis` into (outer, axis size, inner) for reduction loops.
    @usableFromInline
    func reductionLayout(_ axis: Int) -> (outer: Int, length: Int, inner: Int) {
        let axis = normalizedAxis(axis)
        return (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    @usableFromInline
    func reducedShape(_ axis: Int, keepingDimension: Bool) -> [Int] {
        let axis = normalizedAxis(axis)
        var result = shape
        if keepingDimension { result[axis] = 1 } else { result.remove(at: axis) }
        return result
    }

    /// Reduces `axis` with `combine`, starting every output from `initial`.
    @inlinable
    func reduce(alongAxis axis: Int, keepingDimension: Bool, initial: Float,
                _ combine: (Float, Float) -> Float) -> Tensor {
        let (outer, length, inner) = reductionLayout(axis)
        let source = pointer
        return Tensor(shape: reducedShape(axis, keepingDimension: keepingDimension)) { output in
            let destination = output.baseAddress!
            withoutActuallyEscaping(combine) { combine in
                ThreadPolicy.parallelFor(outer, workPerItem: length * inner) { range in
                    for outerIndex in range {
                        let target = destination + outerIndex * inner
                        for innerIndex in 0..<inner { target[innerIndex] = initial }
                        for step in 0..<length {
                            let row = source + (outerIndex * length + step) * inner
                            for innerIndex in 0..<inner { target[innerIndex] = combine(target[innerIndex], row[innerIndex]) }
                        }
                    }
                }
            }
        }
    }

    /// Σ along `axis` without a closure call per element: slices added in order, except that a sum
    /// over contiguous runs (the last axis) adds 16 lanes at a time (`VectorReductions.sum`). A
    /// leading-axis sum (outer size 1, a bias gradient over rows) splits its columns across threads.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        let (outer, length, inner) = reductionLayout(axis)
        let source = pointer
        return Tensor(shape: reducedShape(axis, keepingDimension: keepingDimension)) { output in
            let destination = output.baseAddress!
            if outer == 1 && inner > 1 {
                ThreadPolicy.parallelFor(inner, workPerItem: length) { range in
                    let target = destination + range.lowerBound, count = range.count
                    target.initialize(repeating: 0, count: count)
                    for step in 0..<length {
                        let row = source + step * inner + range.lowerBound
                        for index in 0..<count { target[index] += row[index] }
                    }
                }
                return
            }
            if inner == 1 {
                // Contiguous runs (a last-axis sum, a bias gradient over positions): 16 lanes at a time.
                ThreadPolicy.parallelFor(outer, workPerItem: length) { range in
                    for outerIndex in range { destination[outerIndex] = VectorReductions.sum(source + outerIndex * length, length) }
                }
                return
            }
            ThreadPolicy.parallelFor(outer, workPerItem: length * inner) { range in
                for outerIndex in range {
                    let target = destination + outerIndex * inner
                    target.initialize(repeating: 0, count: inner)
                    for step in 0..<length {
                        let row = source + (outerIndex * length + step) * inner
                        for innerIndex in 0..<inner { target[innerIndex] += row[innerIndex] }
                    }
                }
            }
        }
    }

    /// Mean along `axis`.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        sum(alongAxis: axis, keepingDimension: keepingDimension) * (1 / Float(size(axis)))
    }

    /// Maximum along `axis`.
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        reduce(alongAxis: axis, keepingDimension: keepingDimension, initial: -.infinity) { Swift.max($0, $1) }
    }

    /// Minimum along `axis`.
    public func min(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
        reduce(alongAxis: axis, keepingDimension: keepingDimension, initial: .infinity) { Swift.min($0, $1) }
    }

    /// Index of the maximum along the last axis for every row.
    public func argmaxLastAxis() -> [Int] {
        let length = shape.last ?? 1
        let rows = count / Swift.max(length, 1)
        let source = pointer
        return (0..<rows).map { row in
            var best = 0
            for column in 1..<Swift.max(length, 1) where source[row * length + column] > source[row * length + best] {
                best = column
            }
            return best
        }
    }

    /// Σ of every scalar, accumulated in Double.
    public func sum() -> Float {
        var total = 0.0
        withUnsafeBufferPointer { for value in $0 { total += Double(value) } }
        return Float(total)
    }

    /// Mean of every scalar.
    public func mean() -> Float { sum() / Float(Swift.max(count, 1)) }

    /// Largest scalar.
    public func max() -> Float { withUnsafeBufferPointer { $0.max() ?? -.infinity } }

    /// Largest absolute difference to `other` (same shape).
    public func maxAbsoluteDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        var result: Float = 0
        let a = pointer, b = other.pointer
        for index in 0..<count { result = Swift.max(result, Swift.abs(a[index] - b[index])) }
        return result
    }
}
