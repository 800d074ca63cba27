import Tensor
import Testing

/// The space-to-depth rewrite of a strided convolution (`SpaceToDepthConvolution`) against the
/// im2col convolution it replaces (`channelMajorConv2d`, itself checked against `conv2d` and
/// PyTorch): strides 2–4, square and rectangular kernels that are not multiples of the stride,
/// paddings 0–3 (also unequal), odd map sizes where the last stride step leaves input unread,
/// batch 1. Only the order of each sum changes (the padded kernel taps add exact zeros), so the
/// two agree to 1e-5 of the largest output.
@Suite struct SpaceToDepthConvolutionTests {
    struct Case: Sendable, CustomStringConvertible {
        let kernel: (Int, Int), stride: Int, padding: (Int, Int)
        let batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int
        var description: String { "\(kernel) s\(stride) p\(padding) [\(inChannels), \(batch), \(height), \(width)] → \(outChannels)" }
    }

    static let cases: [Case] = [
        Case(kernel: (11, 11), stride: 4, padding: (2, 2), batch: 2, inChannels: 3, outChannels: 8, height: 64, width: 64),  // AlexNet
        Case(kernel: (11, 11), stride: 4, padding: (2, 2), batch: 1, inChannels: 3, outChannels: 5, height: 37, width: 29),
        Case(kernel: (7, 7), stride: 2, padding: (3, 3), batch: 1, inChannels: 4, outChannels: 6, height: 21, width: 18),   // a ResNet stem
        Case(kernel: (5, 7), stride: 2, padding: (1, 0), batch: 3, inChannels: 2, outChannels: 3, height: 13, width: 16),
        Case(kernel: (10, 9), stride: 3, padding: (0, 3), batch: 1, inChannels: 5, outChannels: 4, height: 17, width: 23),
        Case(kernel: (9, 9), stride: 4, padding: (0, 0), batch: 2, inChannels: 1, outChannels: 2, height: 9, width: 12),     // one output row
    ]

    @Test(arguments: cases.indices)
    func matchesTheStridedConvolution(index: Int) {
        let c = Self.cases[index]
        var generator = SeededGenerator(seed: UInt64(40 + index))
        let input = Tensor.randomNormal([c.inChannels, c.batch, c.height, c.width], generator: &generator)  // channel-major
        let weight = Tensor.randomNormal([c.outChannels, c.inChannels, c.kernel.0, c.kernel.1], generator: &generator)
        let bias = Tensor.randomNormal([c.outChannels], generator: &generator).scalars
        let geometry = Convolution2DGeometry(kernel: c.kernel, stride: (c.stride, c.stride), padding: c.padding)
        #expect(SpaceToDepthConvolution.fits(geometry))
        let rewritten = SpaceToDepthConvolution.rewrittenGeometry(geometry)
        let depthInput = SpaceToDepthConvolution.channelMajorInput(input, geometry: geometry)  // [in·s², batch, h″, w″]
        let depthKernel = SpaceToDepthConvolution.kernel(weight, geometry: geometry)          // [out, in·s², K, K]
        #expect(depthInput.shape[0] == c.inChannels * c.stride * c.stride && depthKernel.shape[1] == depthInput.shape[0])
        for rectified in [false, true] {
            let expected = Tensor.channelMajorConv2d(input, weight: weight, bias: bias, geometry: geometry, rectified: rectified)
            let actual = Tensor.channelMajorConv2d(depthInput, weight: depthKernel, bias: bias, geometry: rewritten, rectified: rectified)
            #expect(actual.shape == expected.shape, "\(c)")
            let scale = expected.abs().max()
            #expect(actual.maxAbsoluteDifference(expected) <= 1e-5 * scale,
                    "\(c): \(actual.maxAbsoluteDifference(expected)) of \(scale)")
        }
    }

    @Test func rewritesOnlyKernelsOfMoreThanTwiceTheStride() {
        #expect(SpaceToDepthConvolution.fits(Convolution2DGeometry(kernel: (11, 11), stride: (4, 4), padding: (2, 2))))
        #expect(SpaceToDepthConvolution.fits(Convolution2DGeometry(kernel: (7, 7), stride: (2, 2))))
        #expect(!SpaceToDepthConvolution.fits(Convolution2DGeometry(kernel: (3, 3), stride: (2, 2))))
        #expect(!SpaceToDepthConvolution.fits(Convolution2DGeometry(kernel: (5, 5))))
        #expect(!SpaceToDepthConvolution.fits(Convolution2DGeometry(kernel: (7, 7), stride: (2, 3))))
        #expect(!SpaceToDepthConvolution.fits(Convolution2DGeometry(kernel: (7, 7), stride: (2, 2), dilation: (2, 2))))
        let rewritten = SpaceToDepthConvolution.rewrittenGeometry(Convolution2DGeometry(kernel: (11, 11), stride: (4, 4), padding: (2, 2)))
        #expect(rewritten == Convolution2DGeometry(kernel: (3, 3)))
    }
}
