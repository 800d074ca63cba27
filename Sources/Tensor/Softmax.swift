import CReducedPrecision

extension Tensor {
    /// softmax(x)ᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x) along the last axis.
    public func softmax() -> Tensor { softmax(path: ElementwiseKernelPath.selected) }

    /// `softmax()` on a chosen kernel path (tests compare the paths).
    func softmax(path: ElementwiseKernelPath) -> Tensor {
        switch path {
        case .avx512:
            let length = shape.last ?? 1
            let rows = length == 0 ? 0 : count / length
            let source = pointer
            return Tensor(shape: shape) { output in
                let destination = output.baseAddress!
                ThreadPolicy.parallelFor(rows, workPerItem: length * 8) { range in
                    ck_softmax_rows(source, nil, 1, destination, Int32(length), range.lowerBound, range.upperBound)
                }
            }
        case .portable:
            return rowwise { row, output, length in Self.softmaxRow(row, into: output, length) }
        }
    }

    /// One row's softmax, sixteen lanes at a time: the row's ragged end is read into a vector
    /// padded with −∞ (whose exponential is 0), so short rows such as attention's 50 scores need
    /// no scalar exponentials.
    @inlinable @inline(__always)
    static func softmaxRow(_ row: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, _ length: Int) {
        let whole = length & ~15, tail = length - whole
        var tailValues = SIMD16<Float>(repeating: -.infinity)
        for lane in 0..<tail { tailValues[lane] = row[whole + lane] }
        var maxima = tailValues
        var index = 0
        while index < whole {
            let values = VectorReductions.load(row, index)
            maxima.replace(with: values, where: values .> maxima)
            index += 16
        }
        let maximum = maxima.max()
        if maximum == -.infinity {
            // A fully masked row has no defined distribution; it yields zeros, not NaN.
            output.initialize(repeating: 0, count: length)
            return
        }
        let shift = SIMD16<Float>(repeating: maximum)
        let tailExponentials = FastMath.exp(tailValues - shift)  // 0 in the padding lanes
        var sums = tailExponentials
        index = 0
        while index < whole {
            let values = FastMath.exp(VectorReductions.load(row, index) - shift)
            VectorReductions.store(values, output, index)
            sums += values
            index += 16
        }
        let scale = 1 / sums.sum()
        index = 0
        while index < whole {
            VectorReductions.store(VectorReductions.load(output, index) * scale, output, index)
            index += 16
        }
        let scaledTail = tailExponentials * scale
        for lane in 0..<tail { output[whole + lane] = scaledTail[lane] }
    }

    /// log softmax(x)ᵢ = xᵢ − max x − log Σⱼ e^(xⱼ − max x) along the last axis.
    public func logSoftmax() -> Tensor {
        rowwise { row, output, length in
            let maximum = VectorReductions.maximum(row, length)
            for index in 0..<length { output[index] = FastMath.exp(row[index] - maximum) }
            let shift = maximum + Foundation.log(VectorReductions.sum(output, length))
            for index in 0..<length { output[index] = row[index] - shift }
        }
    }

    /// Runs `body(inputRow, outputRow, length)` over every row of the last axis, in parallel.
    @inlinable
    func rowwise(_ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        let length = shape.last ?? 1
        let rows = length == 0 ? 0 : count / length
        let source = pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            withoutActuallyEscaping(body) { body in
                ThreadPolicy.parallelFor(rows, workPerItem: length * 8) { range in
                    for row in range { body(source + row * length, destination + row * length, length) }
                }
            }
        }
    }
}

import Foundation
