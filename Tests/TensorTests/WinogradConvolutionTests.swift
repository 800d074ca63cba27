import Tensor
import Testing

/// Winograd's F(m×m, r×r) convolution against the im2col convolution (`channelMajorConv2d`, itself
/// checked against `conv2d` and PyTorch): every offered tile size, odd map sizes, batch 1, padding
/// 0 and 1 (also unequal), bias and ReLU, blocks of tiles, a channel range of a larger output;
/// wide maps (tile rows), narrow maps of small batches (gathered tiles) and of large ones (image lanes).
/// 5×5 kernels by F(2, 5) and F(3, 5). The transforms reorder the sums, so the two agree to
/// rounding: ≤ 1e-5 of the largest output for tiles of α ≤ 5 inputs, ≤ 4e-5 for α = 6, 7 (their
/// points ±2, ½ round more).
@Suite struct WinogradConvolutionTests {
    static func tolerance(_ transform: WinogradTransform) -> Float { transform.inputTile >= 6 ? 4e-5 : 1e-5 }

    static func compare(tile: Int, kernelSize r: Int = 3, batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int,
                        padding: (Int, Int), seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let input = Tensor.randomNormal([inChannels, batch, height, width], generator: &generator)  // channel-major
        let weight = Tensor.randomNormal([outChannels, inChannels, r, r], generator: &generator)
        let bias = Tensor.randomNormal([outChannels], generator: &generator).scalars
        let geometry = Convolution2DGeometry(kernel: (r, r), padding: padding)
        let transform = WinogradTransform.standard(outputTile: tile, kernelSize: r)
        let kernels = WinogradKernels(weight: weight, transform: transform)
        for rectified in [false, true] {
            let expected = Tensor.channelMajorConv2d(input, weight: weight, bias: bias, geometry: geometry, rectified: rectified)
            let actual = Tensor.channelMajorWinogradConv2d(input, kernels: kernels, bias: bias, padding: padding, rectified: rectified)
            #expect(actual.shape == expected.shape)
            let scale = expected.abs().max()
            #expect(actual.maxAbsoluteDifference(expected) <= tolerance(transform) * scale,
                    "F(\(tile), \(r)) \(height)×\(width) padding \(padding) batch \(batch): \(actual.maxAbsoluteDifference(expected)) of \(scale)")
        }
    }

    @Test(arguments: [2, 3, 4])
    func matchesTheMatrixProductConvolution(tile: Int) {
        Self.compare(tile: tile, batch: 3, inChannels: 17, outChannels: 9, height: 13, width: 10, padding: (1, 1), seed: 1)
        Self.compare(tile: tile, batch: 1, inChannels: 5, outChannels: 4, height: 7, width: 11, padding: (0, 0), seed: 2)
        Self.compare(tile: tile, batch: 2, inChannels: 8, outChannels: 3, height: 3, width: 3, padding: (1, 1), seed: 3)
        Self.compare(tile: tile, batch: 1, inChannels: 6, outChannels: 5, height: 9, width: 6, padding: (1, 0), seed: 4)
        Self.compare(tile: tile, batch: 1, inChannels: 3, outChannels: 2, height: 3, width: 4, padding: (0, 1), seed: 5)
    }

    @Test(arguments: [2, 3])
    func fiveByFiveKernelsMatch(tile: Int) {
        Self.compare(tile: tile, kernelSize: 5, batch: 3, inChannels: 19, outChannels: 7, height: 7, width: 7, padding: (2, 2), seed: 8)
        Self.compare(tile: tile, kernelSize: 5, batch: 1, inChannels: 4, outChannels: 3, height: 12, width: 9, padding: (0, 1), seed: 9)
    }

    @Test func largeInputsSplitIntoTileBlocks() {
        // α² = 36 points × 256 channels: blocks of 455 tiles cut through the 6 images of 100 tiles.
        Self.compare(tile: 4, batch: 6, inChannels: 256, outChannels: 32, height: 40, width: 40, padding: (1, 1), seed: 6)
    }

    @Test(arguments: [2, 3, 4])
    func wideMapsTransformWholeTileRows(tile: Int) {
        // ≥ 16 tiles per row take the row transforms: a clipped last tile, unequal padding, batch 1.
        Self.compare(tile: tile, batch: 2, inChannels: 18, outChannels: 5, height: 9, width: 16 * tile + 7, padding: (1, 1), seed: 20)
        Self.compare(tile: tile, batch: 1, inChannels: 4, outChannels: 3, height: 7, width: 38 * tile, padding: (0, 1), seed: 21)
        if WinogradTransform.offeredTiles(kernelSize: 5)!.contains(tile) {
            Self.compare(tile: tile, kernelSize: 5, batch: 1, inChannels: 6, outChannels: 4, height: 6, width: 17 * tile + 1, padding: (2, 2), seed: 22)
        }
        // 256 channels: blocks of tiles that end inside a tile row and inside an image.
        Self.compare(tile: tile, batch: 2, inChannels: 256, outChannels: 9, height: 2 * tile + 1, width: 70, padding: (1, 1), seed: 23)
    }

    @Test(arguments: [2, 3, 4])
    func batchesOfNarrowMapsTransformOneImagePerLane(tile: Int) {
        // ≥ 16 images on maps narrower than 16 tiles take image lanes: one whole lane group, a batch
        // whose last group overlaps the one before, one-tile maps (AlexNet's 3×3), clipped tiles, unequal padding.
        Self.compare(tile: tile, batch: 16, inChannels: 8, outChannels: 5, height: 3, width: 3, padding: (1, 1), seed: 30)
        Self.compare(tile: tile, batch: 19, inChannels: 7, outChannels: 6, height: 10, width: 9, padding: (1, 0), seed: 31)
        Self.compare(tile: tile, batch: 50, inChannels: 3, outChannels: 4, height: 7, width: 7, padding: (0, 1), seed: 32)
        if WinogradTransform.offeredTiles(kernelSize: 5)!.contains(tile) {
            Self.compare(tile: tile, kernelSize: 5, batch: 18, inChannels: 6, outChannels: 4, height: 7, width: 7, padding: (2, 2), seed: 33)
        }
        // 512 channels: blocks of whole tile positions (every image of each), the last one shorter.
        Self.compare(tile: tile, batch: 17, inChannels: 512, outChannels: 4, height: 36, width: 12, padding: (1, 1), seed: 34)
    }

    @Test func writesItsChannelRangeOnly() {
        var generator = SeededGenerator(seed: 7)
        let input = Tensor.randomNormal([4, 2, 9, 9], generator: &generator)  // channel-major [in, batch, h, w]
        let kernels = WinogradKernels(weight: Tensor.randomNormal([3, 4, 3, 3], generator: &generator),
                                      transform: .standard(outputTile: 4, kernelSize: 3))
        var output = Tensor(repeating: 7, shape: [8, 2, 9, 9])
        Tensor.channelMajorWinogradConv2d(input, kernels: kernels, bias: nil, padding: (1, 1), rectified: false, into: &output, channelOffset: 2)
        let alone = Tensor.channelMajorWinogradConv2d(input, kernels: kernels, bias: nil, padding: (1, 1), rectified: false)
        let planes = 2 * 81
        #expect(Array(output.scalars[0..<(2 * planes)]).allSatisfy { $0 == 7 })
        #expect(Array(output.scalars[(2 * planes)..<(5 * planes)]) == alone.scalars)
        #expect(Array(output.scalars[(5 * planes)...]).allSatisfy { $0 == 7 })
    }

    @Test func oneDimensionalFilteringIsExactOnSmallIntegers() {
        // y_i = Σ_k g_k d_{i+k} through Aᵀ[(G g) ⊙ (Bᵀ d)], for F(m, 3) and F(3, 5).
        let cases: [WinogradTransform] = [.standard(outputTile: 2, kernelSize: 3), .standard(outputTile: 3, kernelSize: 3), .standard(outputTile: 4, kernelSize: 3),
                                          .standard(outputTile: 3, kernelSize: 5)]
        for transform in cases {
            let (m, r, alpha) = (transform.outputTile, transform.kernelSize, transform.inputTile)
            let data = (0..<alpha).map { Float(($0 * 7) % 5) - 2 }
            let kernel = (0..<r).map { Float(($0 * 3) % 4) - 1 }
            let transformedKernel = (0..<alpha).map { row in (0..<r).reduce(Float(0)) { $0 + transform.kernelTransformEntry(row, $1) * kernel[$1] } }
            let transformedData = (0..<alpha).map { row in (0..<alpha).reduce(Float(0)) { $0 + transform.dataTransformEntry(row, $1) * data[$1] } }
            for output in 0..<m {
                let expected = (0..<r).reduce(Float(0)) { $0 + kernel[$1] * data[output + $1] }
                let actual = (0..<alpha).reduce(Float(0)) { $0 + transform.outputTransformEntry(output, $1) * transformedKernel[$1] * transformedData[$1] }
                #expect(abs(actual - expected) <= 1e-5 * Swift.max(1, abs(expected)), "F(\(m), \(r)) output \(output): \(actual) vs \(expected)")
            }
        }
    }

    @Test func theTileSizeMinimisesProducts() {
        func tile(_ r: Int, _ height: Int, _ width: Int) -> Int? {
            WinogradTransform.fewestProducts(kernelSize: r, outputHeight: height, outputWidth: width)?.outputTile
        }
        #expect(tile(3, 3, 3) == 3)  // one 5×5 tile
        #expect(tile(3, 2, 2) == 2)
        #expect(tile(3, 35, 35) == 4)
        #expect(tile(3, 8, 8) == 4)
        #expect(tile(5, 7, 7) == 3)  // nine 7×7 tiles
        #expect(tile(7, 9, 9) == nil && tile(1, 9, 9) == nil)
        #expect(WinogradTransform.fits(Convolution2DGeometry(kernel: (3, 3), padding: (1, 1))))
        #expect(WinogradTransform.fits(Convolution2DGeometry(kernel: (5, 5), padding: (2, 2))))
        #expect(!WinogradTransform.fits(Convolution2DGeometry(kernel: (3, 3), stride: (2, 2))))
        #expect(!WinogradTransform.fits(Convolution2DGeometry(kernel: (3, 3), dilation: (2, 2))))
        #expect(!WinogradTransform.fits(Convolution2DGeometry(kernel: (1, 3))))
    }
}
