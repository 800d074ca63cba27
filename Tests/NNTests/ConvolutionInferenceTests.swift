import Autograd
import NN
import Tensor
import Testing

/// `Conv2d`'s tape-free inference routes against its taped forward (`callAsFunction`, the plain
/// im2col convolution checked against PyTorch): the channel-major route (`inferChannelMajor`:
/// Winograd for 3×3 and 5×5 stride-1 kernels, space-to-depth for long strided kernels, im2col
/// otherwise) and the batch-major one (`inferBatchMajor`, `inferring`), over random shapes,
/// strides, paddings, odd sizes and batch 1. The Winograd transforms reorder the sums, so the
/// routes agree to 4e-5 of the largest output (the tolerance of the Winograd tests for tiles of
/// α ≤ 7 inputs).
@Suite struct ConvolutionInferenceTests {
    struct Case: Sendable, CustomStringConvertible {
        let kernel: Int, stride: Int, padding: Int
        let batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int
        var description: String { "\(kernel)×\(kernel) s\(stride) p\(padding) [\(batch), \(inChannels), \(height), \(width)] → \(outChannels)" }
    }

    static let cases: [Case] = [
        Case(kernel: 11, stride: 4, padding: 2, batch: 3, inChannels: 3, outChannels: 16, height: 64, width: 64),  // AlexNet conv1 (space-to-depth + Winograd)
        Case(kernel: 11, stride: 4, padding: 2, batch: 1, inChannels: 3, outChannels: 7, height: 45, width: 39),
        Case(kernel: 5, stride: 1, padding: 2, batch: 2, inChannels: 19, outChannels: 12, height: 7, width: 7),    // AlexNet conv2 (Winograd F(3, 5))
        Case(kernel: 3, stride: 1, padding: 1, batch: 2, inChannels: 24, outChannels: 20, height: 3, width: 3),    // AlexNet conv3–5
        Case(kernel: 3, stride: 1, padding: 1, batch: 1, inChannels: 32, outChannels: 17, height: 37, width: 29),  // a VAE-like map (Winograd F(4, 3))
        Case(kernel: 3, stride: 1, padding: 0, batch: 1, inChannels: 20, outChannels: 5, height: 10, width: 13),
        Case(kernel: 3, stride: 1, padding: 1, batch: 2, inChannels: 4, outChannels: 9, height: 11, width: 8),     // too few channels: im2col
        Case(kernel: 3, stride: 2, padding: 1, batch: 2, inChannels: 18, outChannels: 6, height: 15, width: 12),   // strided 3×3: im2col
        Case(kernel: 1, stride: 1, padding: 0, batch: 3, inChannels: 21, outChannels: 10, height: 9, width: 5),    // pointwise
        Case(kernel: 7, stride: 2, padding: 3, batch: 1, inChannels: 5, outChannels: 8, height: 23, width: 17),    // a stem (space-to-depth, im2col)
    ]

    static func layer(_ c: Case, seed: UInt64) -> (Conv2d, Tensor) {
        var generator = SeededGenerator(seed: seed)
        let convolution = Conv2d(inChannels: c.inChannels, outChannels: c.outChannels, kernelSize: c.kernel, stride: c.stride, padding: c.padding)
        convolution.weight.value = Tensor.randomNormal(convolution.weight.value.shape, generator: &generator)
        convolution.bias!.value = Tensor.randomNormal([c.outChannels], generator: &generator)
        let input = Tensor.randomNormal([c.batch, c.inChannels, c.height, c.width], generator: &generator)  // [batch, in, h, w]
        return (convolution, input)
    }

    @Test(arguments: cases.indices)
    func channelMajorInferenceMatchesTheTapedConvolution(index: Int) {
        let c = Self.cases[index]
        let (convolution, input) = Self.layer(c, seed: UInt64(60 + index))
        let expected = convolution(Variable(input)).value  // [batch, out, h′, w′]
        let scale = expected.abs().max()
        for rectified in [false, true] {
            let actual = convolution.inferChannelMajor(input.permuted([1, 0, 2, 3]), rectified: rectified).permuted([1, 0, 2, 3])
            let reference = rectified ? expected.relu() : expected
            #expect(actual.shape == reference.shape, "\(c)")
            #expect(actual.maxAbsoluteDifference(reference) <= 4e-5 * scale, "\(c): \(actual.maxAbsoluteDifference(reference)) of \(scale)")
        }
    }

    @Test(arguments: cases.indices)
    func batchMajorInferenceMatchesTheTapedConvolution(index: Int) {
        let c = Self.cases[index]
        let (convolution, input) = Self.layer(c, seed: UInt64(80 + index))
        let expected = convolution(Variable(input)).value  // [batch, out, h′, w′]
        let scale = expected.abs().max()
        let actual = convolution.inferBatchMajor(input)
        #expect(actual.shape == expected.shape, "\(c)")
        #expect(actual.maxAbsoluteDifference(expected) <= 4e-5 * scale, "\(c): \(actual.maxAbsoluteDifference(expected)) of \(scale)")
        let inferred = GradientMode.withoutGradients { convolution.inferring(Variable(input)) }
        #expect(inferred.value.scalars == actual.scalars, "\(c): `inferring` without a tape is `inferBatchMajor`")
    }

    @Test func inferringOnATapeIsTheTapedConvolution() {
        let (convolution, input) = Self.layer(Self.cases[4], seed: 99)
        let variable = Variable(input, requiresGradient: true)
        let output = convolution.inferring(variable)
        #expect(output.value.scalars == convolution(variable).value.scalars)
        #expect(output.requiresGradient)
    }
}
