import Tensor

extension Variable {
    /// Σ of every element, as a scalar.
    public func sum() -> Variable {
        let shape = self.shape
        return Variable(Tensor(scalar: value.sum()), operation: "sum", inputs: [self]) { gradient in
            [Tensor(repeating: gradient.item, shape: shape)]
        }
    }

    /// Mean of every element, as a scalar.
    public func mean() -> Variable { sum() * (1 / Float(Swift.max(value.count, 1))) }

    /// Σ along `axis`.
    public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        let axis = value.normalizedAxis(axis)
        let shape = self.shape
        return Variable(value.sum(alongAxis: axis, keepingDimension: keepingDimension), operation: "sum(axis)", inputs: [self]) { gradient in
            var kept = shape
            kept[axis] = 1
            return [gradient.reshaped(kept).broadcast(to: shape)]
        }
    }

    /// Mean along `axis`.
    public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        sum(alongAxis: axis, keepingDimension: keepingDimension) * (1 / Float(value.size(axis)))
    }
}

extension Variable {
    /// Maximum along `axis`; the gradient flows to the first position holding each maximum
    /// (PyTorch's `amax` splits it among ties instead; ties have measure zero for real data).
    public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Variable {
        let axis = value.normalizedAxis(axis)
        let shape = self.shape
        let (outer, length) = (shape[..<axis].reduce(1, *), shape[axis])
        let inner = shape[(axis + 1)...].reduce(1, *)
        let maximum = value.max(alongAxis: axis, keepingDimension: keepingDimension)
        let source = value
        return Variable(maximum, operation: "max(axis)", inputs: [self]) { gradient in
            let result = Tensor(shape: shape) { output in
                output.initialize(repeating: 0)
                for block in 0..<outer {
                    for position in 0..<inner {
                        var best = 0
                        for index in 1..<Swift.max(length, 1)
                        where source.pointer[(block * length + index) * inner + position] > source.pointer[(block * length + best) * inner + position] {
                            best = index
                        }
                        output[(block * length + best) * inner + position] = gradient.pointer[block * inner + position]
                    }
                }
            }
            return [result]
        }
    }
}
