import Foundation
import Tensor

/// Shape, finiteness and normalisation checks shared by the search indexes.
enum VectorChecks {
    /// The `(rows, dimension)` of a matrix, or a `SearchError` naming it.
    static func matrixShape(_ tensor: Tensor, name: String) throws -> (rows: Int, dimension: Int) {
        guard tensor.rank == 2 else { throw SearchError.notAMatrix(name: name, shape: tensor.shape) }
        guard tensor.shape[1] > 0 else { throw SearchError.zeroDimension }
        return (tensor.shape[0], tensor.shape[1])
    }

    /// Throws `SearchError.nonFiniteVector` naming the first row holding NaN or infinity.
    /// (x − x is 0 for finite x and NaN otherwise, so one vectorised pass finds both.)
    static func requireFinite(_ tensor: Tensor, name: String) throws {
        let (rows, dimension) = (tensor.shape[0], tensor.shape[1])
        let pointer = tensor.pointer
        let firstBadRow = FirstRow()
        ThreadPolicy.parallelFor(rows, workPerItem: dimension) { range in
            if rowsAreFinite(pointer + range.lowerBound * dimension, count: range.count * dimension) { return }
            if let row = range.first(where: { !rowsAreFinite(pointer + $0 * dimension, count: dimension) }) {
                firstBadRow.record(row)
            }
        }
        if let row = firstBadRow.value { throw SearchError.nonFiniteVector(name: name, row: row) }
    }

    @inline(__always)
    static func rowsAreFinite(_ pointer: UnsafePointer<Float>, count: Int) -> Bool {
        var accumulator = SIMD16<Float>()
        var index = 0
        while index + 16 <= count {
            let value = UnsafeRawPointer(pointer + index).loadUnaligned(as: SIMD16<Float>.self)
            accumulator += value - value
            index += 16
        }
        var tail: Float = 0
        while index < count {
            tail += pointer[index] - pointer[index]
            index += 1
        }
        return accumulator.sum() == 0 && tail == 0
    }

    /// A copy of `tensor` with every row scaled to unit length; throws for a zero row.
    static func normalizedRows(_ tensor: Tensor, name: String) throws -> Tensor {
        let (rows, dimension) = (tensor.shape[0], tensor.shape[1])
        let source = tensor.pointer
        let firstZeroRow = FirstRow()
        let result = Tensor(shape: [rows, dimension]) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(rows, workPerItem: dimension) { range in
                for row in range {
                    let input = source + row * dimension, target = destination + row * dimension
                    var sum: Float = 0
                    for index in 0..<dimension { sum += input[index] * input[index] }
                    if sum == 0 {
                        firstZeroRow.record(row)
                        target.initialize(repeating: 0, count: dimension)
                        continue
                    }
                    let scale = 1 / sum.squareRoot()
                    for index in 0..<dimension { target[index] = input[index] * scale }
                }
            }
        }
        if let row = firstZeroRow.value { throw SearchError.zeroVector(name: name, row: row) }
        return result
    }
}

/// The smallest row index reported by any thread.
final class FirstRow: @unchecked Sendable {
    private let lock = NSLock()
    private var row: Int?

    func record(_ candidate: Int) {
        lock.lock()
        row = min(row ?? candidate, candidate)
        lock.unlock()
    }

    var value: Int? {
        lock.lock()
        defer { lock.unlock() }
        return row
    }
}
