/// NumPy-style broadcasting: shapes are aligned at their last axis and each pair of sizes must be
/// equal or contain a 1.
public enum Broadcasting {
    /// The shape both operands broadcast to.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let sizeA = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let sizeB = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            precondition(sizeA == sizeB || sizeA == 1 || sizeB == 1,
                         "shapes \(a) and \(b) cannot be broadcast together")
            result[axis] = sizeA == 1 ? sizeB : sizeA
        }
        return result
    }

    /// Element strides of `shape` read as `target` (0 along broadcast axes).
    public static func strides(of shape: [Int], broadcastTo target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for axis in (0..<shape.count).reversed() {
            let targetAxis = axis + target.count - shape.count
            strides[targetAxis] = shape[axis] == 1 ? 0 : step
            step *= shape[axis]
        }
        return strides
    }

    /// The axes of `target` that `shape` was broadcast along (for summing gradients back).
    public static func reducedAxes(from shape: [Int], to target: [Int]) -> [Int] {
        var axes: [Int] = []
        for axis in 0..<target.count {
            let sourceAxis = axis - (target.count - shape.count)
            if sourceAxis < 0 || (shape[sourceAxis] == 1 && target[axis] != 1) { axes.append(axis) }
        }
        return axes
    }
}

extension Tensor {
    /// This tensor materialised at a broadcast `shape`.
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Broadcasting.shape(shape, target) == target, "cannot broadcast \(shape) to \(target)")
        let strides = Broadcasting.strides(of: shape, broadcastTo: target)
        return Tensor(shape: target) { output in
            let source = pointer
            var index = 0
            forEachOffset(shape: target, strides: strides) { offset in
                output[index] = source[offset]
                index += 1
            }
        }
    }

    /// Sums a broadcast result back down to `target` (the adjoint of `broadcast(to:)`).
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let axes = Broadcasting.reducedAxes(from: target, to: shape)
        var result = self
        for axis in axes.reversed() { result = result.sum(alongAxis: axis, keepingDimension: true) }
        return result.reshaped(target)
    }
}

/// Calls `body` with the flat offset of every element of `shape` in row-major order, given each
/// axis's stride into a source buffer.
@inlinable
func forEachOffset(shape: [Int], strides: [Int], _ body: (Int) -> Void) {
    let rank = shape.count
    if rank == 0 { body(0); return }
    if shape.contains(0) { return }
    var index = [Int](repeating: 0, count: rank)
    var offset = 0
    let innerSize = shape[rank - 1], innerStride = strides[rank - 1]
    while true {
        var inner = offset
        for _ in 0..<innerSize {
            body(inner)
            inner += innerStride
        }
        // Advance the outer axes like an odometer.
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            offset += strides[axis]
            if index[axis] < shape[axis] { break }
            offset -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}
