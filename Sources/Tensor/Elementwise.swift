import CReducedPrecision
import Foundation

extension Tensor {
    /// Applies `F` to every scalar, vectorised and in parallel for large tensors.
    @inlinable
    public func applying<F: UnaryElementwiseFunction>(_ function: F.Type) -> Tensor {
        let source = pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(output.count, workPerItem: 8) { range in
                Tensor.unaryKernel(F.self, source + range.lowerBound, destination + range.lowerBound, range.count)
            }
        }
    }

    @inlinable
    static func unaryKernel<F: UnaryElementwiseFunction>(_: F.Type, _ source: UnsafePointer<Float>,
                                                          _ destination: UnsafeMutablePointer<Float>, _ count: Int) {
        for index in 0..<count { destination[index] = F.apply(source[index]) }
    }

    /// Applies an arbitrary closure to every scalar (not vectorised; prefer `applying(_:)` on hot paths).
    @inlinable
    public func map(_ operation: (Float) -> Float) -> Tensor {
        let source = pointer
        return Tensor(shape: shape) { output in
            for index in 0..<output.count { output[index] = operation(source[index]) }
        }
    }

    /// Combines two tensors elementwise with `F` and NumPy broadcasting.
    @inlinable
    public static func combining<F: BinaryElementwiseFunction>(_ a: Tensor, _ b: Tensor, _ function: F.Type) -> Tensor {
        let pointerA = a.pointer, pointerB = b.pointer
        let shape = a.shape == b.shape ? a.shape : Broadcasting.shape(a.shape, b.shape)
        let count = shape.reduce(1, *)
        let layout: BroadcastLayout
        if a.shape == b.shape { layout = .same }
        else if b.count == 1 && a.count == count { layout = .scalarB }
        else if a.count == 1 && b.count == count { layout = .scalarA }
        else if a.count == count && b.count > 0 && Array(shape.suffix(b.rank)) == b.shape { layout = .rowsOfB(b.count) }
        else { layout = .general }
        if case .general = layout {
            if count == 0 { return Tensor(shape: shape) { _ in } }
            let rows = BroadcastRows(shape: shape, stridesA: Broadcasting.strides(of: a.shape, broadcastTo: shape),
                                     stridesB: Broadcasting.strides(of: b.shape, broadcastTo: shape))
            let length = rows.rowLength
            return Tensor(shape: shape) { output in
                let destination = output.baseAddress!
                ThreadPolicy.parallelFor(rows.rowCount, workPerItem: 2 * length) { range in
                    for row in range {
                        let (startA, startB) = rows.start(ofRow: row)
                        let target = destination + row * length
                        switch (rows.rowStrideA, rows.rowStrideB) {
                        case (1, 1): binaryKernel(F.self, pointerA + startA, pointerB + startB, target, length)
                        case (1, _): scalarKernel(F.self, pointerA + startA, pointerB[startB], target, length, scalarFirst: false)
                        case (_, 1): scalarKernel(F.self, pointerB + startB, pointerA[startA], target, length, scalarFirst: true)
                        default: target.initialize(repeating: F.apply(pointerA[startA], pointerB[startB]), count: length)
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(count, workPerItem: 2) { range in
                let start = range.lowerBound, length = range.count
                switch layout {
                case .same:
                    binaryKernel(F.self, pointerA + start, pointerB + start, destination + start, length)
                case .scalarB:
                    scalarKernel(F.self, pointerA + start, pointerB[0], destination + start, length, scalarFirst: false)
                case .scalarA:
                    scalarKernel(F.self, pointerB + start, pointerA[0], destination + start, length, scalarFirst: true)
                case .rowsOfB(let rowLength):
                    // Walk row segments so the inner loop is a contiguous pair of runs.
                    var index = start
                    while index < range.upperBound {
                        let column = index % rowLength
                        let run = Swift.min(rowLength - column, range.upperBound - index)
                        binaryKernel(F.self, pointerA + index, pointerB + column, destination + index, run)
                        index += run
                    }
                case .general:
                    break
                }
            }
        }
    }

    @usableFromInline
    enum BroadcastLayout { case same, scalarA, scalarB, rowsOfB(Int), general }

    @inlinable
    static func binaryKernel<F: BinaryElementwiseFunction>(_: F.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                                           _ destination: UnsafeMutablePointer<Float>, _ count: Int) {
        for index in 0..<count { destination[index] = F.apply(a[index], b[index]) }
    }

    @inlinable
    static func scalarKernel<F: BinaryElementwiseFunction>(_: F.Type, _ source: UnsafePointer<Float>, _ scalar: Float,
                                                           _ destination: UnsafeMutablePointer<Float>, _ count: Int,
                                                           scalarFirst: Bool) {
        if scalarFirst {
            for index in 0..<count { destination[index] = F.apply(scalar, source[index]) }
        } else {
            for index in 0..<count { destination[index] = F.apply(source[index], scalar) }
        }
    }

    /// Combines two tensors elementwise with an arbitrary closure and broadcasting (not vectorised).
    @inlinable
    public static func zipWith(_ a: Tensor, _ b: Tensor, _ operation: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            // Same shapes (every elementwise derivative): no offset tables.
            let pointerA = a.pointer, pointerB = b.pointer
            return Tensor(shape: a.shape) { output in
                for index in 0..<output.count { output[index] = operation(pointerA[index], pointerB[index]) }
            }
        }
        let shape = Broadcasting.shape(a.shape, b.shape)
        if shape.contains(0) { return Tensor(shape: shape) { _ in } }
        let rows = BroadcastRows(shape: shape, stridesA: Broadcasting.strides(of: a.shape, broadcastTo: shape),
                                 stridesB: Broadcasting.strides(of: b.shape, broadcastTo: shape))
        let pointerA = a.pointer, pointerB = b.pointer
        return Tensor(shape: shape) { output in
            for row in 0..<rows.rowCount {
                let (startA, startB) = rows.start(ofRow: row)
                for column in 0..<rows.rowLength {
                    output[row * rows.rowLength + column] = operation(pointerA[startA + column * rows.rowStrideA],
                                                                      pointerB[startB + column * rows.rowStrideB])
                }
            }
        }
    }

    /// Flat source offsets of every element of `shape` read with `strides`.
    @usableFromInline
    static func offsets(shape: [Int], strides: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(shape.reduce(1, *))
        forEachOffset(shape: shape, strides: strides) { result.append($0) }
        return result
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { combining(a, b, ElementwiseFunctions.Add.self) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { combining(a, b, ElementwiseFunctions.Subtract.self) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { combining(a, b, ElementwiseFunctions.Multiply.self) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { combining(a, b, ElementwiseFunctions.Divide.self) }
    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(scalar: b) }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(scalar: b) }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(scalar: b) }
    public static func / (a: Tensor, b: Float) -> Tensor { a * Tensor(scalar: 1 / b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) + b }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) - b }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) * b }
    public static prefix func - (a: Tensor) -> Tensor { a.applying(ElementwiseFunctions.Negate.self) }

    /// Elementwise maximum with broadcasting.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { combining(a, b, ElementwiseFunctions.Maximum.self) }
    /// Elementwise minimum with broadcasting.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { combining(a, b, ElementwiseFunctions.Minimum.self) }

    public func exp() -> Tensor { exp(path: ElementwiseKernelPath.selected) }

    /// `exp()` on a chosen kernel path (tests compare the paths).
    func exp(path: ElementwiseKernelPath) -> Tensor {
        guard path == .avx512 else { return applying(ElementwiseFunctions.Exp.self) }
        return mapping { ck_exp($0, $1, $2) }
    }
    public func log() -> Tensor { map { Foundation.log($0) } }
    public func sqrt() -> Tensor { applying(ElementwiseFunctions.SquareRoot.self) }
    public func squared() -> Tensor { applying(ElementwiseFunctions.Square.self) }
    public func abs() -> Tensor { applying(ElementwiseFunctions.Absolute.self) }
    public func tanh() -> Tensor { applying(ElementwiseFunctions.Tanh.self) }
    public func pow(_ exponent: Float) -> Tensor { map { Foundation.pow($0, exponent) } }
    /// Clamps every scalar into `lower...upper`.
    public func clamped(_ lower: Float, _ upper: Float) -> Tensor {
        Tensor.minimum(Tensor.maximum(self, Tensor(scalar: lower)), Tensor(scalar: upper))
    }
}
