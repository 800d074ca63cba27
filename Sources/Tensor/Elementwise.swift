import Foundation

extension Tensor {
    /// Applies `operation` to every scalar, in parallel for large tensors.
    @inlinable
    public func map(_ operation: (Float) -> Float) -> Tensor {
        let source = pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            withoutActuallyEscaping(operation) { operation in
                ThreadPolicy.parallelFor(output.count, workPerItem: 4) { range in
                    for index in range { destination[index] = operation(source[index]) }
                }
            }
        }
    }

    /// Combines two tensors elementwise with broadcasting.
    @inlinable
    public static func zipWith(_ a: Tensor, _ b: Tensor, _ operation: (Float, Float) -> Float) -> Tensor {
        let pointerA = a.pointer, pointerB = b.pointer
        return withoutActuallyEscaping(operation) { operation in
            if a.shape == b.shape {
                return Tensor(shape: a.shape) { output in
                    let destination = output.baseAddress!
                    ThreadPolicy.parallelFor(output.count, workPerItem: 2) { range in
                        for index in range { destination[index] = operation(pointerA[index], pointerB[index]) }
                    }
                }
            }
            let shape = Broadcasting.shape(a.shape, b.shape)
            if b.count == 1 {
                let scalar = pointerB[0]
                return Tensor(shape: shape) { output in
                    let destination = output.baseAddress!
                    precondition(a.count == output.count)
                    ThreadPolicy.parallelFor(output.count, workPerItem: 2) { range in
                        for index in range { destination[index] = operation(pointerA[index], scalar) }
                    }
                }
            }
            if a.count == 1 {
                let scalar = pointerA[0]
                return Tensor(shape: shape) { output in
                    let destination = output.baseAddress!
                    precondition(b.count == output.count)
                    ThreadPolicy.parallelFor(output.count, workPerItem: 2) { range in
                        for index in range { destination[index] = operation(scalar, pointerB[index]) }
                    }
                }
            }
            // b repeats along leading axes of a (a bias over the last axes): rows of a against b.
            if a.shape == shape && b.count > 0 && shape.count >= b.shape.count
                && Array(shape.suffix(b.shape.count)) == b.shape {
                let rowLength = b.count, rows = a.count / rowLength
                return Tensor(shape: shape) { output in
                    let destination = output.baseAddress!
                    ThreadPolicy.parallelFor(rows, workPerItem: rowLength * 2) { range in
                        for row in range {
                            let base = row * rowLength
                            for column in 0..<rowLength {
                                destination[base + column] = operation(pointerA[base + column], pointerB[column])
                            }
                        }
                    }
                }
            }
            // General case: walk the output with broadcast strides.
            let stridesA = Broadcasting.strides(of: a.shape, broadcastTo: shape)
            let stridesB = Broadcasting.strides(of: b.shape, broadcastTo: shape)
            let indexA = Tensor.offsets(shape: shape, strides: stridesA)
            let indexB = Tensor.offsets(shape: shape, strides: stridesB)
            return Tensor(shape: shape) { output in
                for index in 0..<output.count {
                    output[index] = operation(pointerA[indexA[index]], pointerB[indexB[index]])
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

    public static func + (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b, -) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b, *) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b, /) }
    public static func + (a: Tensor, b: Float) -> Tensor { a.map { $0 + b } }
    public static func - (a: Tensor, b: Float) -> Tensor { a.map { $0 - b } }
    public static func * (a: Tensor, b: Float) -> Tensor { a.map { $0 * b } }
    public static func / (a: Tensor, b: Float) -> Tensor { a.map { $0 / b } }
    public static func + (a: Float, b: Tensor) -> Tensor { b.map { a + $0 } }
    public static func - (a: Float, b: Tensor) -> Tensor { b.map { a - $0 } }
    public static func * (a: Float, b: Tensor) -> Tensor { b.map { a * $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// Elementwise maximum with broadcasting.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { zipWith(a, b) { Swift.max($0, $1) } }
    /// Elementwise minimum with broadcasting.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { zipWith(a, b) { Swift.min($0, $1) } }

    public func exp() -> Tensor { map { Foundation.exp($0) } }
    public func log() -> Tensor { map { Foundation.log($0) } }
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    public func squared() -> Tensor { map { $0 * $0 } }
    public func abs() -> Tensor { map { Swift.abs($0) } }
    public func tanh() -> Tensor { map { Foundation.tanh($0) } }
    public func pow(_ exponent: Float) -> Tensor { map { Foundation.pow($0, exponent) } }
    /// Clamps every scalar into `lower...upper`.
    public func clamped(_ lower: Float, _ upper: Float) -> Tensor { map { Swift.min(Swift.max($0, lower), upper) } }
}
