extension Tensor {
    /// A Bernoulli keep mask for inverted dropout (Srivastava et al. 2014): 1 where a uniform draw
    /// of `generator` is below the keep probability 1 − p, else 0. One draw of the generator.
    public static func dropoutKeepMask(_ shape: [Int], probability: Float, generator: inout CounterBasedGenerator) -> Tensor {
        precondition(probability >= 0 && probability <= 1, "dropout probability \(probability) is outside [0, 1]")
        let uniform = generator.nextUniform(shape)
        let keep = 1 - probability, source = uniform.pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(output.count, workPerItem: 2) { range in
                for index in range { destination[index] = source[index] < keep ? 1 : 0 }
            }
        }
    }

    /// Inverted dropout with a given keep mask: y = x·m/(1 − p), so the expected value of y is x
    /// and inference needs no rescaling. With p = 1 every output is 0 (PyTorch's convention).
    /// The same map sends an output gradient to the input gradient.
    public func droppedOut(keepMask: Tensor, probability: Float) -> Tensor {
        precondition(keepMask.shape == shape, "dropout mask \(keepMask.shape) does not match input \(shape)")
        precondition(probability >= 0 && probability <= 1, "dropout probability \(probability) is outside [0, 1]")
        let scale: Float = probability == 1 ? 0 : 1 / (1 - probability)
        let source = pointer, mask = keepMask.pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(output.count, workPerItem: 2) { range in
                for index in range { destination[index] = source[index] * (mask[index] * scale) }
            }
        }
    }
}
