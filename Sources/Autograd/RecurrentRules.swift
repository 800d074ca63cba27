import Tensor

extension Variable {
    /// One step of an LSTM cell with PyTorch's `LSTMCell` layout: gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh
    /// `[batch, 4·hidden]` in the order i, f, g, o, then c′ = σ(f)⊙c + σ(i)⊙tanh(g), h′ = σ(o)⊙tanh(c′)
    /// (see `Tensor.lstmCellPointwise`). The affine part differentiates through `linear`; the
    /// elementwise part through one fused rule.
    public static func lstmCell(input: Variable, hidden: Variable, cell: Variable, weightInput: Variable, weightHidden: Variable,
                                biasInput: Variable?, biasHidden: Variable?) -> (hidden: Variable, cell: Variable) {
        let gates = linear(input, weight: weightInput, bias: biasInput) + linear(hidden, weight: weightHidden, bias: biasHidden)  // [batch, 4·hidden]
        let width = cell.shape[1]
        let (newHidden, newCell, activations) = Tensor.lstmCellPointwise(gates: gates.value, cell: cell.value)
        let previousCell = cell.value
        if !(gates.requiresGradient || cell.requiresGradient) || GradientMode.isDisabled {
            return (Variable(newHidden), Variable(newCell))
        }
        // Both outputs side by side as one node, [batch, 2·hidden], so one rule sees both gradients.
        let joined = Variable(Tensor.concatenate([newHidden, newCell], alongAxis: 1), operation: "lstmCell",
                              inputs: [gates, cell]) { gradient in
            let parts = gradient.split(sizes: [width, width], alongAxis: 1)
            let (gatesGradient, cellGradient) = Tensor.lstmCellPointwiseBackward(
                activations: activations, previousCell: previousCell, newCell: newCell,
                hiddenGradient: parts[0], cellGradient: parts[1])
            return [gatesGradient, cellGradient]
        }
        let parts = joined.split(sizes: [width, width], alongAxis: 1)
        return (parts[0], parts[1])
    }
}
