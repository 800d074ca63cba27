import Tensor

/// At most `limit` rows of `matrix`, taken at even spacing (a deterministic training sample).
func evenlySpacedRows(_ matrix: Tensor, limit: Int) -> Tensor {
    let rows = matrix.shape[0], width = matrix.shape[1]
    guard rows > limit, limit > 0 else { return matrix }
    let source = matrix.pointer
    return Tensor(shape: [limit, width]) { output in
        for row in 0..<limit {
            (output.baseAddress! + row * width).initialize(from: source + (row * rows / limit) * width, count: width)
        }
    }
}
