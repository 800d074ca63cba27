import Tensor

extension Variable {
    /// softmax along the last axis; ∂x = y ⊙ (∂y − Σ ∂y ⊙ y).
    public func softmax() -> Variable {
        let output = value.softmax()
        return Variable(output, operation: "softmax", inputs: [self]) { gradient in
            let weighted = (gradient * output).sum(alongAxis: -1, keepingDimension: true)
            return [output * (gradient - weighted)]
        }
    }

    /// log softmax along the last axis; ∂x = ∂y − softmax(x) · Σ ∂y.
    public func logSoftmax() -> Variable {
        let output = value.logSoftmax()
        return Variable(output, operation: "logSoftmax", inputs: [self]) { gradient in
            let total = gradient.sum(alongAxis: -1, keepingDimension: true)
            return [gradient - output.exp() * total]
        }
    }
}
