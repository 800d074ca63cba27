import Tensor
import Testing

/// The channel-major batched convolution against `Tensor.conv2d` (itself checked against PyTorch):
/// strides, padding, rectangular kernels, 1×1 kernels, column blocks that split images, the fused
/// bias and ReLU, and writing into a channel range of a larger output.
@Suite struct ChannelMajorConvolutionTests {
    static let geometries: [Convolution2DGeometry] = [
        Convolution2DGeometry(kernel: (3, 3)),
        Convolution2DGeometry(kernel: (3, 3), stride: (2, 2)),
        Convolution2DGeometry(kernel: (5, 5), padding: (2, 2)),
        Convolution2DGeometry(kernel: (1, 7), padding: (0, 3)),
        Convolution2DGeometry(kernel: (7, 1), padding: (3, 0)),
        Convolution2DGeometry(kernel: (11, 11), stride: (4, 4), padding: (2, 2)),
        Convolution2DGeometry(kernel: (1, 1)),
        Convolution2DGeometry(kernel: (1, 1), stride: (2, 2)),
        Convolution2DGeometry(kernel: (3, 3), padding: (1, 1), dilation: (2, 2)),
    ]

    @Test(arguments: geometries.indices)
    func matchesConv2dWithBiasAndReLU(index: Int) {
        let geometry = Self.geometries[index]
        var generator = SeededGenerator(seed: UInt64(index))
        let (batch, inChannels, outChannels, height, width) = (3, 5, 6, 23, 19)
        let input = Tensor.randomNormal([batch, inChannels, height, width], generator: &generator)
        let weight = Tensor.randomNormal([outChannels, inChannels, geometry.kernelHeight, geometry.kernelWidth], generator: &generator)
        let bias = Tensor.randomNormal([outChannels], generator: &generator)
        let expected = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry)  // [batch, out, h′, w′]
        for rectified in [false, true] {
            let channelMajor = Tensor.channelMajorConv2d(input.permuted([1, 0, 2, 3]), weight: weight, bias: bias.scalars,
                                                         geometry: geometry, rectified: rectified)  // [out, batch, h′, w′]
            let reference = rectified ? expected.relu() : expected
            #expect(channelMajor.permuted([1, 0, 2, 3]).maxAbsoluteDifference(reference) <= 1e-4, "\(geometry), ReLU \(rectified)")
        }
    }

    @Test func writesItsChannelRangeOnly() {
        var generator = SeededGenerator(seed: 11)
        let input = Tensor.randomNormal([4, 2, 9, 9], generator: &generator)  // channel-major [in, batch, h, w]
        let weight = Tensor.randomNormal([3, 4, 3, 3], generator: &generator)
        var output = Tensor(repeating: 7, shape: [8, 2, 9, 9])
        let geometry = Convolution2DGeometry(kernel: (3, 3), padding: (1, 1))
        Tensor.channelMajorConv2d(input, weight: weight, bias: nil, geometry: geometry, rectified: false, into: &output, channelOffset: 2)
        let alone = Tensor.channelMajorConv2d(input, weight: weight, bias: nil, geometry: geometry, rectified: false)
        let planes = 2 * 81
        #expect(Array(output.scalars[0..<(2 * planes)]).allSatisfy { $0 == 7 })
        #expect(Array(output.scalars[(2 * planes)..<(5 * planes)]) == alone.scalars)
        #expect(Array(output.scalars[(5 * planes)...]).allSatisfy { $0 == 7 })
    }

    @Test func largeInputsSplitIntoColumnBlocks() {
        // 64 input channels × 9 taps = 576 rows: blocks of 3640 columns cut through the 3 images of 70 × 70.
        var generator = SeededGenerator(seed: 5)
        let input = Tensor.randomNormal([3, 64, 70, 70], generator: &generator)
        let weight = Tensor.randomNormal([8, 64, 3, 3], generator: &generator)
        let geometry = Convolution2DGeometry(kernel: (3, 3), padding: (1, 1))
        let expected = Tensor.conv2d(input, weight: weight, bias: nil, geometry: geometry)
        let actual = Tensor.channelMajorConv2d(input.permuted([1, 0, 2, 3]), weight: weight, bias: nil, geometry: geometry, rectified: false)
        #expect(actual.permuted([1, 0, 2, 3]).maxAbsoluteDifference(expected) <= 1e-3)
    }
}
