import Tensor
import Testing

/// The depthwise fast path against a direct per-output sum in the same (row-major kernel) order,
/// so the results must be bit-identical for every stride, padding, dilation and odd size.
@Suite struct DepthwiseConvolutionTests {
    static let geometries: [Convolution2DGeometry] = [
        Convolution2DGeometry(kernel: (3, 3), stride: (1, 1), padding: (1, 1)),
        Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (0, 0)),
        Convolution2DGeometry(kernel: (5, 5), stride: (2, 2), padding: (2, 2)),
        Convolution2DGeometry(kernel: (5, 3), stride: (1, 3), padding: (3, 0)),
        Convolution2DGeometry(kernel: (3, 3), stride: (1, 1), padding: (2, 2), dilation: (2, 2)),
        Convolution2DGeometry(kernel: (1, 1), stride: (2, 2), padding: (0, 0)),
        Convolution2DGeometry(kernel: (7, 7), stride: (1, 1), padding: (3, 3)),
    ]

    func direct(_ input: Tensor, _ weight: Tensor, _ bias: Tensor, _ g: Convolution2DGeometry) -> Tensor {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        var scalars: [Float] = []
        for image in 0..<batch {
            for channel in 0..<channels {
                for outputRow in 0..<outputHeight {
                    for outputColumn in 0..<outputWidth {
                        var total = bias[indices: channel]
                        for kernelRow in 0..<g.kernelHeight {
                            let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                            guard row >= 0 && row < height else { continue }
                            for kernelColumn in 0..<g.kernelWidth {
                                let column = outputColumn * g.strideWidth - g.paddingWidth + kernelColumn * g.dilationWidth
                                guard column >= 0 && column < width else { continue }
                                total += input[indices: image, channel, row, column] * weight[indices: channel, 0, kernelRow, kernelColumn]
                            }
                        }
                        scalars.append(total)
                    }
                }
            }
        }
        return Tensor(shape: [batch, channels, outputHeight, outputWidth], scalars: scalars)
    }

    @Test(arguments: geometries)
    func matchesTheDirectSum(geometry: Convolution2DGeometry) {
        var generator = SeededGenerator(seed: 7)
        for (height, width) in [(9, 11), (4, 3), (16, 16)] {
            let input = Tensor.randomNormal([2, 3, height, width], generator: &generator)
            let weight = Tensor.randomNormal([3, 1, geometry.kernelHeight, geometry.kernelWidth], generator: &generator)
            let bias = Tensor.randomNormal([3], generator: &generator)
            let fits = (height + 2 * geometry.paddingHeight - geometry.dilationHeight * (geometry.kernelHeight - 1)) > 0
                && (width + 2 * geometry.paddingWidth - geometry.dilationWidth * (geometry.kernelWidth - 1)) > 0
            guard fits else { continue }
            let output = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry, groups: 3)
            let expected = direct(input, weight, bias, geometry)
            #expect(output.shape == expected.shape)
            #expect(output.scalars == expected.scalars, "\(geometry) on \(height)×\(width)")
        }
    }
}
