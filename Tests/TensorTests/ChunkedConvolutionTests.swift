@testable import Tensor
import Testing

/// Convolutions whose images share one GEMM (`ConvolutionChunking`: small maps in a batch) against
/// the same convolution run one image at a time (batch 1 keeps one product per image): outputs,
/// input gradients and the weight gradient summed over images agree to rounding (max |Δ| ≤ 1e-5 of
/// the largest magnitude).
@Suite struct ChunkedConvolutionTests {
    static let geometries: [Convolution2DGeometry] = [
        Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)),
        Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        Convolution2DGeometry(kernel: (1, 1)),
        Convolution2DGeometry(kernel: (1, 1), stride: (2, 2)),
        Convolution2DGeometry(kernel: (5, 3), stride: (1, 2), padding: (2, 0), dilation: (1, 2)),
    ]

    /// (batch, in, out, size): one chunk, several chunks with a shorter last one, 2×2 maps.
    static let shapes = [(3, 4, 5, 6), (7, 3, 4, 16), (33, 8, 6, 4)]

    @Test func chunkingChoosesWideProducts() {
        #expect(ConvolutionChunking.imagesPerProduct(batch: 32, positions: 4) == 32)
        #expect(ConvolutionChunking.imagesPerProduct(batch: 32, positions: 256) == 4)
        #expect(ConvolutionChunking.imagesPerProduct(batch: 32, positions: 1024) == nil)
        #expect(ConvolutionChunking.imagesPerProduct(batch: 1, positions: 4) == nil)
    }

    @Test func forwardAndBackwardMatchOneImageAtATime() {
        var generator = SeededGenerator(seed: 11)
        for geometry in Self.geometries {
            for (batch, inChannels, outChannels, size) in Self.shapes {
                let input = Tensor.randomNormal([batch, inChannels, size, size], generator: &generator)
                let weight = Tensor.randomNormal([outChannels, inChannels, geometry.kernelHeight, geometry.kernelWidth],
                                                 generator: &generator)
                let bias = Tensor.randomNormal([outChannels], generator: &generator)
                let output = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry)
                let outputGradient = Tensor.randomNormal(output.shape, generator: &generator)
                let (inputGradient, weightGradient) = Tensor.conv2dBackward(input: input, weight: weight,
                                                                             outputGradient: outputGradient, geometry: geometry)
                var outputs: [Tensor] = [], inputGradients: [Tensor] = []
                var weightGradientSum = Tensor(zeros: weight.shape)
                for image in 0..<batch {
                    let single = input.slice(image..<(image + 1))  // [1, in, size, size]
                    outputs.append(Tensor.conv2d(single, weight: weight, bias: bias, geometry: geometry))
                    let (imageInputGradient, imageWeightGradient) = Tensor.conv2dBackward(
                        input: single, weight: weight, outputGradient: outputGradient.slice(image..<(image + 1)), geometry: geometry)
                    inputGradients.append(imageInputGradient)
                    weightGradientSum = weightGradientSum + imageWeightGradient
                }
                let label = "\(geometry) batch \(batch) in \(inChannels) out \(outChannels) size \(size)"
                expectClose(output, Tensor.concatenate(outputs, alongAxis: 0), "output \(label)")
                expectClose(inputGradient, Tensor.concatenate(inputGradients, alongAxis: 0), "input gradient \(label)")
                expectClose(weightGradient, weightGradientSum, "weight gradient \(label)")
            }
        }
    }

    func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String) {
        #expect(actual.shape == expected.shape, "\(label): shape")
        let scale = expected.scalars.map(abs).max() ?? 0
        #expect(actual.maxAbsoluteDifference(expected) <= 1e-5 * max(scale, 1), "\(label): scale \(scale)")
    }
}
