@testable import Tensor
import Testing

/// The batch split over threads (`batchSlicedConv2d`, its backward, `splitSgemm`, nested parallel
/// regions) against the serial paths: convolutions run one image at a time (batch 1 never slices)
/// agree to rounding (max |Δ| ≤ 1e-5 of the largest magnitude); split products agree with a
/// plain triple loop to 1e-5 relative.
@Suite struct BatchSlicedConvolutionTests {
    static let geometries: [Convolution2DGeometry] = [
        Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)),
        Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        Convolution2DGeometry(kernel: (1, 1)),
        Convolution2DGeometry(kernel: (7, 7), stride: (2, 2), padding: (3, 3)),
    ]

    /// (batch, in, out, size, slices): chunks of images per product (16², 4² maps), one product per
    /// image (32² maps), uneven slices, more slices than threads.
    static let shapes = [(7, 3, 4, 16, 2), (5, 4, 6, 32, 2), (33, 8, 6, 4, 3), (4, 5, 3, 32, 4)]

    @Test func forwardAndBackwardMatchOneImageAtATime() {
        var generator = SeededGenerator(seed: 23)
        for geometry in Self.geometries {
            for (batch, inChannels, outChannels, size, slices) in Self.shapes {
                let input = Tensor.randomNormal([batch, inChannels, size, size], generator: &generator)
                let weight = Tensor.randomNormal([outChannels, inChannels, geometry.kernelHeight, geometry.kernelWidth],
                                                 generator: &generator)
                let bias = Tensor.randomNormal([outChannels], generator: &generator)
                let label = "\(geometry) batch \(batch) in \(inChannels) out \(outChannels) size \(size) slices \(slices)"
                let output = Tensor.batchSlicedConv2d(input, weight: weight, bias: bias, geometry: geometry, slices: slices)
                let unbiased = Tensor.batchSlicedConv2d(input, weight: weight, bias: nil, geometry: geometry, slices: slices)
                let outputGradient = Tensor.randomNormal(output.shape, generator: &generator)
                let (inputGradient, weightGradient) = Tensor.batchSlicedConv2dBackward(
                    input: input, weight: weight, outputGradient: outputGradient, geometry: geometry, slices: slices)
                var outputs: [Tensor] = [], unbiasedOutputs: [Tensor] = [], inputGradients: [Tensor] = []
                var weightGradientSum = Tensor(zeros: weight.shape)
                for image in 0..<batch {
                    let single = input.slice(image..<(image + 1))  // [1, in, size, size]
                    outputs.append(Tensor.conv2d(single, weight: weight, bias: bias, geometry: geometry))
                    unbiasedOutputs.append(Tensor.conv2d(single, weight: weight, bias: nil, geometry: geometry))
                    let (imageInputGradient, imageWeightGradient) = Tensor.conv2dBackward(
                        input: single, weight: weight, outputGradient: outputGradient.slice(image..<(image + 1)), geometry: geometry)
                    inputGradients.append(imageInputGradient)
                    weightGradientSum = weightGradientSum + imageWeightGradient
                }
                expectClose(output, Tensor.concatenate(outputs, alongAxis: 0), "output \(label)")
                expectClose(unbiased, Tensor.concatenate(unbiasedOutputs, alongAxis: 0), "output without bias \(label)")
                expectClose(inputGradient, Tensor.concatenate(inputGradients, alongAxis: 0), "input gradient \(label)")
                expectClose(weightGradient, weightGradientSum, "weight gradient \(label)")
            }
        }
    }

    @Test func slicesCoverTheBatchEvenly() {
        for (batch, slices) in [(32, 2), (7, 2), (33, 3), (4, 4)] {
            let ranges = (0..<slices).map { BatchSlicing.images(slice: $0, of: slices, batch: batch) }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == batch)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.map(\.count).max()! - ranges.map(\.count).min()! <= 1)
        }
        #expect(BatchSlicing.sliceCount(batch: 1, positions: 4096) == nil)
    }

    @Test func splitProductsMatchOneBLASCall() {
        var generator = SeededGenerator(seed: 29)
        // (m, n, k): split by rows (m ≥ n), by columns, edges off multiples of 16, fewer rows than parts.
        for (m, n, k) in [(96, 40, 33), (37, 130, 20), (3, 50, 7)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for beta: Float in [0, 1] {
                        let a = Tensor.randomNormal(transposeA ? [k, m] : [m, k], generator: &generator)
                        let b = Tensor.randomNormal(transposeB ? [n, k] : [k, n], generator: &generator)
                        let start = Tensor.randomNormal([m, n], generator: &generator)
                        // Reference: a plain triple loop in Double.
                        let expected = Tensor(shape: [m, n]) { c in
                            for row in 0..<m {
                                for column in 0..<n {
                                    var total = 0.0
                                    for inner in 0..<k {
                                        let left = transposeA ? a.pointer[inner * m + row] : a.pointer[row * k + inner]
                                        let right = transposeB ? b.pointer[column * k + inner] : b.pointer[inner * n + column]
                                        total += Double(left) * Double(right)
                                    }
                                    c[row * n + column] = Float(total) + beta * start.pointer[row * n + column]
                                }
                            }
                        }
                        let actual = Tensor(shape: [m, n]) { c in
                            c.baseAddress!.update(from: start.pointer, count: m * n)
                            Tensor.splitSgemm(a.pointer, b.pointer, c.baseAddress!, m: m, n: n, k: k, lda: a.shape[1], ldb: b.shape[1],
                                              transposeA: transposeA, transposeB: transposeB, beta: beta, parts: 3)
                        }
                        expectClose(actual, expected, "split sgemm \(m)×\(n)×\(k) tA \(transposeA) tB \(transposeB) β \(beta)")
                    }
                }
            }
        }
    }

    @Test func nestedParallelRegionsRunOnTheCallingThread() {
        #expect(!ThreadPolicy.isInsideParallelRegion)
        let flags = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 2)
        defer { flags.deallocate() }
        flags.initialize(repeating: false)
        ThreadPolicy.parallelFor(2, workPerItem: ThreadPolicy.minimumParallelWork) { range in
            for index in range {
                // The inner loop must run here, in one piece.
                var innerCalls = 0
                ThreadPolicy.parallelFor(4, workPerItem: ThreadPolicy.minimumParallelWork) { inner in
                    innerCalls += 1
                    #expect(inner == 0..<4)
                }
                flags[index] = innerCalls == 1 && (ThreadPolicy.threadCount == 1 || ThreadPolicy.isInsideParallelRegion)
            }
        }
        #expect(flags.allSatisfy { $0 })
        #expect(!ThreadPolicy.isInsideParallelRegion)
    }

    func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String) {
        #expect(actual.shape == expected.shape, "\(label): shape")
        let scale = expected.scalars.map(abs).max() ?? 0
        #expect(actual.maxAbsoluteDifference(expected) <= 1e-5 * max(scale, 1), "\(label): scale \(scale)")
    }
}
