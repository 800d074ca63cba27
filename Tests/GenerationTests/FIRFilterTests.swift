import Autograd
import Generation
import Tensor
import TestSupport
import Testing

/// `FIRFilter.apply` (the blur around every StyleGAN2 resolution change) against the general
/// grouped convolution it replaces: the same output and the same input gradient, for an
/// asymmetric kernel (so a wrongly turned backward kernel shows), with and without zero insertion
/// and for unequal padding.
@Suite struct FIRFilterTests {
    static let tolerance = Tolerance.relative(1e-5, floor: 1e-6)

    /// The reference: zero insertion, padding and `Variable.conv2d` with groups = channels, whose
    /// backward is the general im2col rule.
    static func reference(_ input: Variable, kernel: Tensor, up: Int, before: Int, after: Int) -> Variable {
        let channels = input.shape[1]
        let expanded = up > 1 ? FIRFilter.zeroInserted(input, factor: up) : input
        let padded = expanded.padded(SpatialPadding(top: before, bottom: after, left: before, right: after))
        let (height, width) = (kernel.shape[0], kernel.shape[1])
        let flipped = Array(kernel.scalars.reversed())
        let depthwise = Tensor(shape: [channels, 1, height, width], scalars: Array(repeatElement(flipped, count: channels).joined()))
        return Variable.conv2d(padded, weight: Variable(depthwise), bias: nil, geometry: Convolution2DGeometry(kernel: (height, width)),
                               groups: channels)
    }

    @Test(arguments: [(1, 2, 1), (2, 2, 1), (1, 1, 2), (2, 1, 0)])
    func outputAndInputGradientMatchTheGroupedConvolution(up: Int, before: Int, after: Int) {
        var random = SeededGenerator(seed: 11)
        let kernel = Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0 % 5) - 1.5 + Float($0) * 0.1 })  // asymmetric
        let values = Tensor.randomNormal([2, 3, 5, 6], generator: &random)  // [batch, channels, h, w]
        let fast = Variable(values, requiresGradient: true)
        let slow = Variable(values, requiresGradient: true)
        let fastOutput = FIRFilter.apply(fast, kernel: kernel, up: up, before: before, after: after)
        let slowOutput = Self.reference(slow, kernel: kernel, up: up, before: before, after: after)
        #expect(fastOutput.shape == slowOutput.shape)
        expectClose(fastOutput.value, slowOutput.value, Self.tolerance, "filtered output")
        let seed = Variable(Tensor.randomNormal(fastOutput.shape, generator: &random))
        (fastOutput * seed).sum().backward()
        (slowOutput * seed).sum().backward()
        expectClose(fast.gradient, slow.gradient, Self.tolerance, "input gradient")
    }
}
