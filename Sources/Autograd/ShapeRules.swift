import Tensor

extension Variable {
    /// The same values with a new shape (one -1 allowed).
    public func reshaped(_ newShape: [Int]) -> Variable {
        let shape = self.shape
        return Variable(value.reshaped(newShape), operation: "reshape", inputs: [self]) { [$0.reshaped(shape)] }
    }

    /// Axes reordered; the gradient applies the inverse permutation.
    public func permuted(_ order: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: order.count)
        for (index, axis) in order.enumerated() { inverse[axis] = index }
        return Variable(value.permuted(order), operation: "permute", inputs: [self]) { [$0.permuted(inverse)] }
    }

    /// The last two axes swapped.
    public func transposed() -> Variable {
        var order = Array(0..<shape.count)
        order.swapAt(order.count - 1, order.count - 2)
        return permuted(order)
    }

    /// Joins variables along `axis`; the gradient is split back.
    public static func concatenate(_ variables: [Variable], alongAxis axis: Int) -> Variable {
        let axis = variables[0].value.normalizedAxis(axis)
        let sizes = variables.map { $0.shape[axis] }
        return Variable(Tensor.concatenate(variables.map(\.value), alongAxis: axis), operation: "concatenate", inputs: variables) { gradient in
            gradient.split(sizes: sizes, alongAxis: axis)
        }
    }

    /// The slice `start..<start+length` of `axis`; the gradient is zero outside it.
    public func narrowed(alongAxis axis: Int, start: Int, length: Int) -> Variable {
        let axis = value.normalizedAxis(axis)
        let shape = self.shape
        return Variable(value.narrowed(alongAxis: axis, start: start, length: length), operation: "narrow", inputs: [self]) { gradient in
            var pieces: [Tensor] = []
            var before = shape, after = shape
            before[axis] = start
            after[axis] = shape[axis] - start - length
            if start > 0 { pieces.append(Tensor(zeros: before)) }
            pieces.append(gradient)
            if after[axis] > 0 { pieces.append(Tensor(zeros: after)) }
            return [Tensor.concatenate(pieces, alongAxis: axis)]
        }
    }

    /// Pieces of the given sizes along `axis`.
    public func split(sizes: [Int], alongAxis axis: Int) -> [Variable] {
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return narrowed(alongAxis: axis, start: start, length: size)
        }
    }

    /// Embedding lookup: rows of a `[vocabulary, width]` table; the gradient scatters back.
    public static func gather(rowsOf table: Variable, indices: [Int]) -> Variable {
        let vocabulary = table.shape[0]
        return Variable(Tensor.gather(rowsOf: table.value, indices: indices), operation: "gather", inputs: [table]) { gradient in
            [gradient.scatterAddRows(indices: indices, vocabulary: vocabulary)]
        }
    }
}
