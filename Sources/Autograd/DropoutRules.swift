import Tensor

extension Variable {
    /// Inverted dropout with a given 0/1 keep mask m: y = x·m/(1 − p), ∂x = ∂y·m/(1 − p)
    /// (see `Tensor.droppedOut`).
    public func droppedOut(keepMask: Tensor, probability: Float) -> Variable {
        Variable(value.droppedOut(keepMask: keepMask, probability: probability), operation: "dropout", inputs: [self]) { gradient in
            [gradient.droppedOut(keepMask: keepMask, probability: probability)]
        }
    }

    /// Inverted dropout (Srivastava et al. 2014) with a keep mask drawn from `generator` (one draw).
    public func dropout(probability: Float, generator: inout CounterBasedGenerator) -> Variable {
        droppedOut(keepMask: Tensor.dropoutKeepMask(shape, probability: probability, generator: &generator), probability: probability)
    }
}
