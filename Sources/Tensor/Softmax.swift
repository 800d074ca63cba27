extension Tensor {
    /// softmax(x)ᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x) along the last axis.
    public func softmax() -> Tensor {
        rowwise { row, output, length in
            let maximum = VectorReductions.maximum(row, length)
            if maximum == -.infinity {
                // A fully masked row has no defined distribution; it yields zeros, not NaN.
                output.initialize(repeating: 0, count: length)
                return
            }
            for index in 0..<length { output[index] = FastMath.exp(row[index] - maximum) }
            let scale = 1 / VectorReductions.sum(output, length)
            for index in 0..<length { output[index] *= scale }
        }
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
