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
