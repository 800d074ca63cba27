extension Tensor {
    /// The elementwise part of an LSTM cell (Hochreiter & Schmidhuber 1997, with the forget gate
    /// of Gers et al. 2000), in PyTorch's `LSTMCell` gate order i, f, g, o:
    /// from pre-activations `gates` `[batch, 4·hidden]` and the previous cell `[batch, hidden]`,
    /// i = σ(·), f = σ(·), g = tanh(·), o = σ(·), c′ = f⊙c + i⊙g, h′ = o⊙tanh(c′).
    /// Returns h′, c′ and the activated gates `[batch, 4·hidden]` (i, f, g, o) for the backward pass.
    public static func lstmCellPointwise(gates: Tensor, cell: Tensor) -> (hidden: Tensor, cell: Tensor, activations: Tensor) {
        precondition(gates.rank == 2 && cell.rank == 2 && gates.shape[0] == cell.shape[0] && gates.shape[1] == 4 * cell.shape[1],
                     "LSTM gates \(gates.shape) do not fit cell \(cell.shape) (need [batch, 4·hidden] and [batch, hidden])")
        let (batch, width) = (cell.shape[0], cell.shape[1])
        let activations = Tensor(shape: gates.shape) { output in
            let source = gates.pointer, destination = output.baseAddress!
            ThreadPolicy.parallelFor(batch, workPerItem: 4 * width * 8) { range in
                for row in range {
                    let input = source + row * 4 * width, result = destination + row * 4 * width
                    for index in 0..<(2 * width) { result[index] = FastMath.sigmoid(input[index]) }
                    for index in (2 * width)..<(3 * width) { result[index] = FastMath.tanh(input[index]) }
                    for index in (3 * width)..<(4 * width) { result[index] = FastMath.sigmoid(input[index]) }
                }
            }
        }
        let gate = activations.pointer, previous = cell.pointer
        let newCell = Tensor(shape: cell.shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(batch, workPerItem: 3 * width) { range in
                for row in range {
                    let a = gate + row * 4 * width, c = previous + row * width, result = destination + row * width
                    for index in 0..<width { result[index] = a[width + index] * c[index] + a[index] * a[2 * width + index] }
                }
            }
        }
        let updated = newCell.pointer
        let hidden = Tensor(shape: cell.shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(batch, workPerItem: 8 * width) { range in
                for row in range {
                    let a = gate + row * 4 * width, c = updated + row * width, result = destination + row * width
                    for index in 0..<width { result[index] = a[3 * width + index] * FastMath.tanh(c[index]) }
                }
            }
        }
        return (hidden, newCell, activations)
    }

    /// Gradients of `lstmCellPointwise` with respect to the gate pre-activations and the previous
    /// cell, from ∂h′ and ∂c′. With t = tanh(c′): ∂o = ∂h′⊙t, ∂c̃ = ∂c′ + ∂h′⊙o⊙(1 − t²),
    /// ∂i = ∂c̃⊙g, ∂f = ∂c̃⊙c, ∂g = ∂c̃⊙i, ∂c = ∂c̃⊙f; then through σ′ = σ(1 − σ) and tanh′ = 1 − tanh².
    public static func lstmCellPointwiseBackward(activations: Tensor, previousCell: Tensor, newCell: Tensor,
                                                 hiddenGradient: Tensor, cellGradient: Tensor) -> (gates: Tensor, cell: Tensor) {
        let (batch, width) = (previousCell.shape[0], previousCell.shape[1])
        precondition(activations.shape == [batch, 4 * width] && newCell.shape == previousCell.shape
            && hiddenGradient.shape == previousCell.shape && cellGradient.shape == previousCell.shape,
            "LSTM backward shapes do not fit: activations \(activations.shape), cell \(previousCell.shape)")
        let gate = activations.pointer, previous = previousCell.pointer, updated = newCell.pointer
        let dh = hiddenGradient.pointer, dc = cellGradient.pointer
        var previousGradient = Tensor(zeros: previousCell.shape)
        let gateGradient = previousGradient.withUnsafeMutableBufferPointer { cellBuffer in
            let cellOutput = cellBuffer.baseAddress!
            return Tensor(shape: activations.shape) { output in
                let destination = output.baseAddress!
                ThreadPolicy.parallelFor(batch, workPerItem: 16 * width) { range in
                    for row in range {
                        let a = gate + row * 4 * width, d = destination + row * 4 * width
                        let c = previous + row * width, cNew = updated + row * width
                        let hiddenRow = dh + row * width, cellRow = dc + row * width, previousRow = cellOutput + row * width
                        for index in 0..<width {
                            let i = a[index], f = a[width + index], g = a[2 * width + index], o = a[3 * width + index]
                            let t = FastMath.tanh(cNew[index])
                            let total = cellRow[index] + hiddenRow[index] * o * (1 - t * t)
                            d[index] = total * g * i * (1 - i)
                            d[width + index] = total * c[index] * f * (1 - f)
                            d[2 * width + index] = total * i * (1 - g * g)
                            d[3 * width + index] = hiddenRow[index] * t * o * (1 - o)
                            previousRow[index] = total * f
                        }
                    }
                }
            }
        }
        return (gateGradient, previousGradient)
    }
}
