import Tensor

/// Runs a model over a long input list in slices and stacks the per-slice rows, so memory stays
/// bounded by one slice and the caller gets one `[inputs.count, dimension]` matrix.
public enum RowBatches {
    /// `body` on consecutive slices of at most `size` inputs, in order; `progress(done, total)`
    /// after each slice.
    public static func map<Input>(_ inputs: [Input], size: Int, dimension: Int, progress: ((Int, Int) -> Void)? = nil,
                           _ body: ([Input]) throws -> Tensor) rethrows -> Tensor {
        precondition(size > 0, "batch size must be positive")
        var parts: [Tensor] = []
        for start in stride(from: 0, to: inputs.count, by: size) {
            let end = Swift.min(start + size, inputs.count)
            parts.append(try body(Array(inputs[start..<end])))
            progress?(end, inputs.count)
        }
        return stacked(parts, dimension: dimension)
    }

    /// Row blocks `[rowsᵢ, dimension]` as one matrix; `[0, dimension]` when there are none.
    public static func stacked(_ parts: [Tensor], dimension: Int) -> Tensor {
        parts.isEmpty ? Tensor(zeros: [0, dimension]) : parts.count == 1 ? parts[0] : Tensor.concatenate(parts, alongAxis: 0)
    }
}
