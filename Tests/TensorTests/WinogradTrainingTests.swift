@testable import Tensor
import Testing

/// The training Winograd convolution (`Tensor.winogradConv2d` and its backward, batch-major)
/// against the im2col convolution and its backward (`conv2d`, `conv2dBackward`, themselves checked
/// against PyTorch): every offered 3×3 tile and F(2, 5), padding 0, 1 and unequal, odd map sizes,
/// one slice and several (uneven, more than the threads), blocks of tiles, and each gradient
/// alone. The transforms reorder the sums, so values agree to rounding: ≤ 2e-5 of the largest
/// magnitude for tiles of α ≤ 5 inputs, ≤ 1e-4 for α = 6 (F(4, 3)'s points ±2 round more, and the
/// weight gradient sums over every tile of the batch).
@Suite struct WinogradTrainingTests {
    static func tolerance(_ transform: WinogradTransform) -> Float { transform.inputTile >= 6 ? 1e-4 : 2e-5 }

    static func compare(tile: Int, kernelSize r: Int = 3, batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int,
                        padding: (Int, Int), slices: Int?, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let input = Tensor.randomNormal([batch, inChannels, height, width], generator: &generator)
        let weight = Tensor.randomNormal([outChannels, inChannels, r, r], generator: &generator)
        let bias = Tensor.randomNormal([outChannels], generator: &generator)
        let geometry = Convolution2DGeometry(kernel: (r, r), padding: padding)
        let transform = WinogradTransform.standard(outputTile: tile, kernelSize: r)
        let kernels = WinogradKernels(weight: weight, transform: transform)
        let label = "F(\(tile), \(r)) batch \(batch) \(height)×\(width) padding \(padding) slices \(String(describing: slices))"
        let tolerance = Self.tolerance(transform)

        let expected = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry)
        let actual = Tensor.winogradConv2d(input, kernels: kernels, bias: bias, geometry: geometry, slices: slices)
        #expect(actual.shape == expected.shape, "\(label)")
        #expect(actual.maxAbsoluteDifference(expected) <= tolerance * expected.abs().max(), "output \(label)")

        let outputGradient = Tensor.randomNormal(expected.shape, generator: &generator)
        let (expectedInput, expectedWeight) = Tensor.conv2dBackward(input: input, weight: weight, outputGradient: outputGradient,
                                                                    geometry: geometry)
        let both = Tensor.winogradConv2dBackward(input: input, kernels: kernels, outputGradient: outputGradient,
                                                 geometry: geometry, slices: slices)
        let inputOnly = Tensor.winogradConv2dBackward(input: input, kernels: kernels, outputGradient: outputGradient,
                                                      geometry: geometry, slices: slices, needsWeight: false)
        let weightOnly = Tensor.winogradConv2dBackward(input: input, kernels: kernels, outputGradient: outputGradient,
                                                       geometry: geometry, slices: slices, needsInput: false)
        #expect(inputOnly.weight == nil && weightOnly.input == nil, "\(label)")
        for (name, gradient, reference) in [("input", both.input, expectedInput), ("weight", both.weight, expectedWeight),
                                            ("input alone", inputOnly.input, expectedInput), ("weight alone", weightOnly.weight, expectedWeight)] {
            guard let gradient else { Issue.record("\(name) gradient missing, \(label)"); continue }
            #expect(gradient.shape == reference.shape, "\(name) \(label)")
            #expect(gradient.maxAbsoluteDifference(reference) <= tolerance * reference.abs().max(),
                    "\(name) gradient \(label): \(gradient.maxAbsoluteDifference(reference)) of \(reference.abs().max())")
        }
    }

    @Test(arguments: [2, 3, 4])
    func matchesTheMatrixProductConvolutionAndItsGradients(tile: Int) {
        Self.compare(tile: tile, batch: 3, inChannels: 17, outChannels: 9, height: 13, width: 10, padding: (1, 1), slices: nil, seed: 1)
        Self.compare(tile: tile, batch: 5, inChannels: 6, outChannels: 7, height: 16, width: 16, padding: (1, 1), slices: 2, seed: 2)
        Self.compare(tile: tile, batch: 4, inChannels: 5, outChannels: 4, height: 7, width: 11, padding: (0, 0), slices: 3, seed: 3)
        Self.compare(tile: tile, batch: 2, inChannels: 8, outChannels: 3, height: 2, width: 2, padding: (1, 1), slices: 1, seed: 4)
        Self.compare(tile: tile, batch: 3, inChannels: 6, outChannels: 5, height: 9, width: 6, padding: (1, 0), slices: 4, seed: 5)
    }

    @Test func fiveByFiveKernels() {
        Self.compare(tile: 2, kernelSize: 5, batch: 3, inChannels: 7, outChannels: 6, height: 11, width: 9, padding: (2, 2), slices: 2, seed: 6)
    }

    /// Enough tiles for several blocks per slice (64 channels of F(4, 3): blocks of 448 tiles).
    @Test func manyBlocksPerSlice() {
        Self.compare(tile: 4, batch: 6, inChannels: 64, outChannels: 16, height: 32, width: 32, padding: (1, 1), slices: 2, seed: 7)
    }

    @Test func takesTrainingConvolutionsItFits() {
        let geometry = Convolution2DGeometry(kernel: (3, 3), padding: (1, 1))
        let transform = WinogradTraining.transform(inputShape: [32, 64, 32, 32], weightShape: [64, 64, 3, 3], geometry: geometry, groups: 1)
        #expect(transform?.outputTile == (WinogradTraining.setting == .automatic ? 4 : transform?.outputTile))
        #expect(WinogradTraining.transform(inputShape: [32, 3, 32, 32], weightShape: [64, 3, 3, 3], geometry: geometry, groups: 1) == nil)
        #expect(WinogradTraining.transform(inputShape: [32, 64, 32, 32], weightShape: [64, 32, 3, 3], geometry: geometry, groups: 2) == nil)
        let strided = Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        #expect(WinogradTraining.transform(inputShape: [32, 64, 32, 32], weightShape: [64, 64, 3, 3], geometry: strided, groups: 1) == nil)
        let pointwise = Convolution2DGeometry(kernel: (1, 1))
        #expect(WinogradTraining.transform(inputShape: [32, 64, 32, 32], weightShape: [64, 64, 1, 1], geometry: pointwise, groups: 1) == nil)
    }
}
