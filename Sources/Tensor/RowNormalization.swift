import Foundation

extension Tensor {
    /// Each row of the last axis divided by its Euclidean norm: x / max(‖x‖₂, ε), PyTorch's
    /// `F.normalize` with ε = 1e-12.
    public func l2NormalizedRows(epsilon: Float = 1e-12) -> Tensor {
        let length = shape.last ?? 1
        let rows = length == 0 ? 0 : count / length
        let source = pointer
        return Tensor(shape: shape) { output in
            for row in 0..<rows {
                let input = source + row * length, result = output.baseAddress! + row * length
                var sumOfSquares: Float = 0
                for index in 0..<length { sumOfSquares += input[index] * input[index] }
                let scale = 1 / Swift.max(sumOfSquares.squareRoot(), epsilon)
                for index in 0..<length { result[index] = input[index] * scale }
            }
        }
    }
}
