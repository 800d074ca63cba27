extension Tensor {
    /// Leaky ReLU (Maas, Hannun & Ng 2013): y = x for x > 0, else a·x with negative slope a
    /// (0.2 in StyleGAN's mapping network and discriminator, 0.01 in PyTorch's default).
    public func leakyReLU(negativeSlope: Float) -> Tensor {
        let source = pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(output.count, workPerItem: 2) { range in
                for index in range {
                    let x = source[index]
                    destination[index] = x > 0 ? x : x * negativeSlope
                }
            }
        }
    }

    /// The input gradient of `leakyReLU`: ∂x = ∂y for x > 0, else a·∂y (PyTorch's choice at 0).
    public static func leakyReLUBackward(input: Tensor, outputGradient: Tensor, negativeSlope: Float) -> Tensor {
        precondition(input.shape == outputGradient.shape, "gradient \(outputGradient.shape) does not match input \(input.shape)")
        let source = input.pointer, gradient = outputGradient.pointer
        return Tensor(shape: input.shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(output.count, workPerItem: 2) { range in
                for index in range {
                    let g = gradient[index]
                    destination[index] = source[index] > 0 ? g : g * negativeSlope
                }
            }
        }
    }
}
