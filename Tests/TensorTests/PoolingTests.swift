import Tensor
import Testing

/// The pooling kernels against direct per-output loops over each window in row-major tap order:
/// max pooling without indices against `maxPool2dWithIndices` (bit-identical, NaNs and ±0 ties
/// included) and average pooling against a direct sum divided by PyTorch's divisor, for strides,
/// padding, dilation and odd sizes.
@Suite struct PoolingTests {
    static let geometries: [Convolution2DGeometry] = [
        Convolution2DGeometry(kernel: (3, 3), stride: (2, 2)),
        Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)),
        Convolution2DGeometry(kernel: (2, 2), stride: (2, 2)),
        Convolution2DGeometry(kernel: (5, 3), stride: (1, 3), padding: (2, 1)),
        Convolution2DGeometry(kernel: (3, 3), stride: (2, 1), padding: (1, 1), dilation: (2, 2)),
        Convolution2DGeometry(kernel: (8, 8), stride: (8, 8)),
    ]

    static func input(seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        var scalars = Tensor.randomNormal([2, 3, 17, 16], generator: &generator).scalars
        for index in stride(from: 5, to: scalars.count, by: 97) { scalars[index] = .nan }
        for index in stride(from: 11, to: scalars.count, by: 31) { scalars[index] = index % 2 == 0 ? 0 : -0.0 }
        return Tensor(shape: [2, 3, 17, 16], scalars: scalars)
    }

    static func sameBits(_ a: Tensor, _ b: Tensor) -> Bool {
        a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: geometries.indices)
    func maxPoolingMatchesThePoolingWithIndices(index: Int) {
        let geometry = Self.geometries[index]
        let input = Self.input(seed: UInt64(index))
        let expected = Tensor.maxPool2dWithIndices(input, geometry: geometry).output
        #expect(Self.sameBits(Tensor.maxPool2d(input, geometry: geometry), expected), "\(geometry)")
    }

    /// Maps wider than one vector run of the unpadded path (several runs per output row, the last
    /// one partial), NaNs and ±0 ties included.
    @Test(arguments: [Convolution2DGeometry(kernel: (3, 3), stride: (2, 2)), Convolution2DGeometry(kernel: (2, 2)),
                      Convolution2DGeometry(kernel: (1, 3), stride: (3, 3))])
    func maxPoolingOfWideMapsMatchesThePoolingWithIndices(geometry: Convolution2DGeometry) {
        var generator = SeededGenerator(seed: 7)
        var scalars = Tensor.randomNormal([2, 2, 9, 53], generator: &generator).scalars
        for index in stride(from: 3, to: scalars.count, by: 89) { scalars[index] = .nan }
        for index in stride(from: 8, to: scalars.count, by: 23) { scalars[index] = index % 2 == 0 ? 0 : -0.0 }
        let input = Tensor(shape: [2, 2, 9, 53], scalars: scalars)
        let expected = Tensor.maxPool2dWithIndices(input, geometry: geometry).output
        #expect(Self.sameBits(Tensor.maxPool2d(input, geometry: geometry), expected), "\(geometry)")
    }

    @Test(arguments: geometries.indices)
    func averagePoolingMatchesADirectSum(index: Int) {
        var geometry = Self.geometries[index]
        (geometry.dilationHeight, geometry.dilationWidth) = (1, 1)
        var generator = SeededGenerator(seed: UInt64(index))
        let input = Tensor.randomNormal([2, 3, 17, 16], generator: &generator)
        let (height, width) = (17, 16)
        let (outputHeight, outputWidth) = geometry.outputSize(height: height, width: width)
        for countIncludingPadding in [true, false] {
            var scalars: [Float] = []
            for plane in 0..<6 {
                for outputRow in 0..<outputHeight {
                    for outputColumn in 0..<outputWidth {
                        let rowStart = outputRow * geometry.strideHeight - geometry.paddingHeight
                        let columnStart = outputColumn * geometry.strideWidth - geometry.paddingWidth
                        var (total, inside): (Float, Int) = (0, 0)
                        for row in rowStart..<(rowStart + geometry.kernelHeight) where row >= 0 && row < height {
                            for column in columnStart..<(columnStart + geometry.kernelWidth) where column >= 0 && column < width {
                                total += input[indices: plane / 3, plane % 3, row, column]
                                inside += 1
                            }
                        }
                        let paddedRows = min(rowStart + geometry.kernelHeight, height + geometry.paddingHeight) - rowStart
                        let paddedColumns = min(columnStart + geometry.kernelWidth, width + geometry.paddingWidth) - columnStart
                        scalars.append(total / Float(countIncludingPadding ? paddedRows * paddedColumns : inside))
                    }
                }
            }
            let expected = Tensor(shape: [2, 3, outputHeight, outputWidth], scalars: scalars)
            let actual = Tensor.averagePool2d(input, geometry: geometry, countIncludingPadding: countIncludingPadding)
            #expect(Self.sameBits(actual, expected), "\(geometry), count including padding \(countIncludingPadding)")
        }
    }
}
