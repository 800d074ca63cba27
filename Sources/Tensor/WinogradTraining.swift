import CBLAS
import Foundation

/// Which convolutions of a training step run by Winograd's minimal filtering
/// (`Tensor.winogradConv2d` and its backward) instead of im2col + one product.
///
/// Groups-1, stride-1, undilated square kernels with an offered tile (3×3 and 5×5) and at least
/// `WinogradTransform.minimumChannels` input and output channels; the tile with the fewest products
/// on the output map (F(4, 3) on 32² maps, F(2, 3) on 2² ones). Inference keeps its own choice
/// (`WinogradTransform.forInference`, channel-major), and a convolution whose gradient nobody asks for
/// keeps im2col, so inference results do not change.
///
/// `CLIPKIT_TRAINING_WINOGRAD=0` turns the path off (im2col for every convolution); `=2`, `=3` or `=4`
/// forces that output tile where it is offered.
public enum WinogradTraining {
    /// The transform for a convolution of input `[batch, inChannels, height, width]` and weight
    /// `[outChannels, inChannels / groups, r, r]`, or nil for im2col.
    public static func transform(inputShape: [Int], weightShape: [Int], geometry: Convolution2DGeometry,
                                 groups: Int) -> WinogradTransform? {
        guard setting != .off, groups == 1, inputShape.count == 4, weightShape.count == 4,
              WinogradTransform.fits(geometry), inputShape[1] >= WinogradTransform.minimumChannels,
              weightShape[0] >= WinogradTransform.minimumChannels,
              let tiles = WinogradTransform.offeredTiles(kernelSize: geometry.kernelHeight) else { return nil }
        let (outputHeight, outputWidth) = geometry.outputSize(height: inputShape[2], width: inputShape[3])
        if case .tile(let m) = setting, tiles.contains(m) {
            return WinogradTransform.standard(outputTile: m, kernelSize: geometry.kernelHeight)
        }
        return WinogradTransform.fewestProducts(kernelSize: geometry.kernelHeight, outputHeight: outputHeight,
                                                outputWidth: outputWidth)
    }

    enum Setting: Equatable { case automatic, off, tile(Int) }

    /// `CLIPKIT_TRAINING_WINOGRAD`, read once.
    static let setting: Setting = {
        switch ProcessInfo.processInfo.environment["CLIPKIT_TRAINING_WINOGRAD"] {
        case "0": return .off
        case let value?: return Int(value).map(Setting.tile) ?? .automatic
        case nil: return .automatic
        }
    }()
}

extension Tensor {
    /// `conv2d` (groups 1, stride 1, square r×r kernel) of batch-major `input` by Winograd's minimal
    /// filtering F(m×m, r×r) (Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural Networks"):
    /// per block of output tiles, V = Bᵀ d B of every input tile, one product M_ξ = U_ξ · V_ξ per
    /// transform point ξ (`kernels` holds U = G g Gᵀ), then Y = Aᵀ M A + b. α² products per m×m
    /// tile instead of m²r². The batch is cut into `slices` runs of images, one per thread with
    /// single-threaded BLAS (`BatchSlicing`'s count when `slices` is nil); with one slice the points'
    /// products share the threads.
    /// Agrees with `conv2d` to rounding (the transforms reorder the sums).
    public static func winogradConv2d(_ input: Tensor, kernels: WinogradKernels, bias: Tensor?, geometry g: Convolution2DGeometry,
                                      slices: Int? = nil) -> Tensor {
        let plan = WinogradTrainingPlan(inputShape: input.shape, kernels: kernels, geometry: g, slices: slices)
        let (inChannels, outChannels, points) = (kernels.inChannels, kernels.outChannels, plan.points)
        let transform = kernels.transform
        let biases = bias?.scalars
        return Tensor(shape: [plan.batch, outChannels, plan.tiles.outputHeight, plan.tiles.outputWidth]) { output in
            let destination = output.baseAddress!
            kernels.transformed.withUnsafeBufferPointer { kernelPoints in
                let kernelBase = kernelPoints.baseAddress!
                plan.forEachBlock(scratch: [inChannels, outChannels]) { start, count, scratch in
                    let (transformed, products) = (scratch[0], scratch[1])  // V [in, α², count], M [out, α², count]
                    winogradInputTransform(input.pointer, channels: inChannels, layout: .batchMajor(channels: inChannels),
                                           geometry: plan.tiles, dataTransform: transform.dataTransform, start: start, count: count,
                                           into: transformed)
                    ThreadPolicy.parallelFor(points, workPerItem: outChannels * inChannels * count) { range in
                        for point in range {
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(count), Int32(inChannels), 1,
                                        kernelBase + point * outChannels * inChannels, Int32(inChannels),
                                        transformed + point * count, Int32(points * count), 0,
                                        products + point * count, Int32(points * count))
                        }
                    }
                    winogradOutputTransform(products, channels: outChannels, layout: .batchMajor(channels: outChannels),
                                            geometry: plan.tiles, outputTransform: transform.outputTransform, bias: biases,
                                            rectified: false, start: start, count: count, into: destination)
                }
            }
        }
    }

    /// Gradients of `winogradConv2d` with respect to its input and weight, by the adjoint of each
    /// step of the forward:
    ///
    ///     ∂M = A ∂Y Aᵀ,   ∂V_ξ = U_ξᵀ ∂M_ξ,   ∂d = B ∂V Bᵀ added over the overlapping input tiles,
    ///     ∂U_ξ = Σ_tiles ∂M_ξ V_ξᵀ,   ∂g = Gᵀ ∂U G
    ///
    /// (V recomputed from the input, not kept from the forward). Both products of a point cost α²
    /// per tile like the forward's, and no im2col matrix is built. A gradient not asked for is
    /// neither computed nor returned.
    public static func winogradConv2dBackward(input: Tensor, kernels: WinogradKernels, outputGradient: Tensor,
                                              geometry g: Convolution2DGeometry, slices: Int? = nil,
                                              needsInput: Bool = true, needsWeight: Bool = true) -> (input: Tensor?, weight: Tensor?) {
        let plan = WinogradTrainingPlan(inputShape: input.shape, kernels: kernels, geometry: g, slices: slices)
        let (inChannels, outChannels, points) = (kernels.inChannels, kernels.outChannels, plan.points)
        let transform = kernels.transform, alpha = transform.inputTile, r = transform.kernelSize
        let pairs = outChannels * inChannels
        let imageSize = inChannels * input.shape[2] * input.shape[3]
        // ∂U per slice, [slices, α², out, in]; slices run in parallel, so each has its own.
        let kernelGradients = Tensor(shape: [needsWeight ? plan.slices : 0, points * pairs]) { _ in }
        let inputGradient = Tensor(shape: needsInput ? input.shape : [0]) { _ in }
        kernels.transformed.withUnsafeBufferPointer { kernelPoints in
            let kernelBase = kernelPoints.baseAddress!
            plan.forEachBlock(scratch: [needsWeight ? inChannels : 0, outChannels, needsInput ? inChannels : 0], begin: { slice, images in
                if needsWeight { (kernelGradients.pointer + slice * points * pairs).update(repeating: 0, count: points * pairs) }
                if needsInput { (inputGradient.pointer + images.lowerBound * imageSize).update(repeating: 0, count: images.count * imageSize) }
            }) { start, count, scratch, slice in
                let (transformed, productGradients, transformedGradients) = (scratch[0], scratch[1], scratch[2])
                if needsWeight {
                    winogradInputTransform(input.pointer, channels: inChannels, layout: .batchMajor(channels: inChannels),
                                           geometry: plan.tiles, dataTransform: transform.dataTransform, start: start, count: count,
                                           into: transformed)
                }
                winogradOutputAdjoint(outputGradient.pointer, channels: outChannels, layout: .batchMajor(channels: outChannels),
                                      geometry: plan.tiles, outputTransform: transform.outputTransform, start: start, count: count,
                                      into: productGradients)
                let sliceKernelGradients = kernelGradients.pointer + slice * points * pairs
                ThreadPolicy.parallelFor(points, workPerItem: 2 * pairs * count) { range in
                    for point in range {
                        let pointGradients = productGradients + point * count
                        if needsWeight {  // ∂U_ξ += ∂M_ξ · V_ξᵀ
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(outChannels), Int32(inChannels), Int32(count), 1,
                                        pointGradients, Int32(points * count), transformed + point * count, Int32(points * count), 1,
                                        sliceKernelGradients + point * pairs, Int32(inChannels))
                        }
                        if needsInput {  // ∂V_ξ = U_ξᵀ · ∂M_ξ
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inChannels), Int32(count), Int32(outChannels), 1,
                                        kernelBase + point * pairs, Int32(inChannels), pointGradients, Int32(points * count), 0,
                                        transformedGradients + point * count, Int32(points * count))
                        }
                    }
                }
                if needsInput {
                    winogradInputAdjoint(transformedGradients, channels: inChannels, layout: .batchMajor(channels: inChannels),
                                         geometry: plan.tiles, dataTransform: transform.dataTransform, start: start, count: count,
                                         addingInto: inputGradient.pointer)
                }
            }
        }
        guard needsWeight else { return (needsInput ? inputGradient : nil, nil) }
        // ∂g = Gᵀ (Σ_slices ∂U) G for every channel pair, eight pairs at a time (one per SIMD lane).
        let lanes = TileLanes.scalarCount, slices = plan.slices
        let collapse = transposed(transform.kernelTransform, rows: alpha, columns: r)  // Gᵀ [r, α]
        let weightGradient = Tensor(shape: [outChannels, inChannels, r, r]) { buffer in
            let target = buffer.baseAddress!, sums = kernelGradients.pointer
            collapse.withUnsafeBufferPointer { collapsePointer in
                let gt = collapsePointer.baseAddress!
                ThreadPolicy.parallelFor((pairs + lanes - 1) / lanes, workPerItem: lanes * (points * slices + 2 * alpha * alpha * r)) { range in
                    let scratch = UnsafeMutablePointer<TileLanes>.allocate(capacity: points + r * alpha + r * r)
                    defer { scratch.deallocate() }
                    let (point, half, full) = (scratch, scratch + points, scratch + points + r * alpha)  // ∂U, Gᵀ ∂U, Gᵀ ∂U G
                    for group in range {
                        let first = group * lanes, used = Swift.min(lanes, pairs - first)
                        for index in 0..<points {
                            var sum = TileLanes()
                            for slice in 0..<slices {
                                let line = sums + (slice * points + index) * pairs + first
                                if used == lanes {
                                    sum += UnsafeRawPointer(line).loadUnaligned(as: TileLanes.self)
                                } else {
                                    for lane in 0..<used { sum[lane] += line[lane] }
                                }
                            }
                            point[index] = sum
                        }
                        multiplyLanes(gt, point, into: half, rows: r, inner: alpha, columns: alpha)
                        multiplyLanesTransposed(half, gt, into: full, rows: r, inner: alpha, columns: r)
                        scatterLanes(full, lanes: used, values: r * r, into: target + first * r * r)
                    }
                }
            }
        }
        return (needsInput ? inputGradient : nil, weightGradient)
    }

    /// ∂M_ξ = (A ∂Y Aᵀ)_ξ of every channel's output tiles `start ..< start + count` (zeros beyond the
    /// output's edge), from `gradient`'s planes laid out as `layout` says, into `target`
    /// `[channels, α², count]`: the adjoint of `winogradOutputTransform`. Eight tiles per SIMD lane group.
    static func winogradOutputAdjoint(_ gradient: UnsafePointer<Float>, channels: Int, layout: PlaneLayout, geometry g: WinogradTileGeometry,
                                      outputTransform: [Float], start: Int, count: Int, into target: UnsafeMutablePointer<Float>) {
        let (m, alpha) = (g.outputTile, g.inputTile)
        let points = alpha * alpha, lanes = TileLanes.scalarCount
        let origins = (0..<count).map { g.tileOrigin(start + $0) }
        let expansion = transposed(outputTransform, rows: m, columns: alpha)  // A [α, m]
        ThreadPolicy.parallelFor(channels, workPerItem: count * 2 * points * m) { range in
            expansion.withUnsafeBufferPointer { expand in
                let scratch = UnsafeMutablePointer<TileLanes>.allocate(capacity: m * m + alpha * m + points)
                defer { scratch.deallocate() }
                let (tile, half, full) = (scratch, scratch + m * m, scratch + m * m + alpha * m)  // ∂Y, A ∂Y, A ∂Y Aᵀ
                for channel in range {
                    for first in stride(from: 0, to: count, by: lanes) {
                        let used = Swift.min(lanes, count - first)
                        for index in 0..<(m * m) { tile[index] = TileLanes() }
                        for lane in 0..<used {
                            let (image, row0, column0) = origins[first + lane]
                            let (outputRow0, outputColumn0) = (row0 + g.padding.height, column0 + g.padding.width)
                            let plane = gradient + layout.plane(channel: channel, image: image) * g.outputHeight * g.outputWidth
                            for row in 0..<Swift.min(m, g.outputHeight - outputRow0) {
                                let line = plane + (outputRow0 + row) * g.outputWidth + outputColumn0
                                for column in 0..<Swift.min(m, g.outputWidth - outputColumn0) { tile[row * m + column][lane] = line[column] }
                            }
                        }
                        multiplyLanes(expand.baseAddress!, tile, into: half, rows: alpha, inner: m, columns: m)
                        multiplyLanesTransposed(half, expand.baseAddress!, into: full, rows: alpha, inner: m, columns: alpha)
                        storePoints(full, points: points, used: used, into: target + channel * points * count + first, pointStride: count)
                    }
                }
            }
        }
    }

    /// ∂d = B ∂V Bᵀ of every channel's input tiles `start ..< start + count`, from `source`
    /// `[channels, α², count]`, added into `target`'s planes (laid out as `layout` says) where each
    /// tile lies inside the image: the adjoint of `winogradInputTransform`. Overlapping tiles of one
    /// channel are added one after the other, so channels may run in parallel.
    static func winogradInputAdjoint(_ source: UnsafePointer<Float>, channels: Int, layout: PlaneLayout, geometry g: WinogradTileGeometry,
                                     dataTransform: [Float], start: Int, count: Int, addingInto target: UnsafeMutablePointer<Float>) {
        let alpha = g.inputTile, points = alpha * alpha, lanes = TileLanes.scalarCount
        let origins = (0..<count).map { g.tileOrigin(start + $0) }
        let interpolation = transposed(dataTransform, rows: alpha, columns: alpha)  // B [α, α]
        ThreadPolicy.parallelFor(channels, workPerItem: count * 4 * points * alpha) { range in
            interpolation.withUnsafeBufferPointer { expand in
                let scratch = UnsafeMutablePointer<TileLanes>.allocate(capacity: 3 * points)
                defer { scratch.deallocate() }
                let (tile, half, full) = (scratch, scratch + points, scratch + 2 * points)  // ∂V, B ∂V, B ∂V Bᵀ
                for channel in range {
                    for first in stride(from: 0, to: count, by: lanes) {
                        let used = Swift.min(lanes, count - first)
                        loadPoints(source + channel * points * count + first, points: points, used: used, pointStride: count, into: tile)
                        multiplyLanes(expand.baseAddress!, tile, into: half, rows: alpha, inner: alpha, columns: alpha)
                        multiplyLanesTransposed(half, expand.baseAddress!, into: full, rows: alpha, inner: alpha, columns: alpha)
                        for lane in 0..<used {
                            let (image, row0, column0) = origins[first + lane]
                            let plane = target + layout.plane(channel: channel, image: image) * g.height * g.width
                            for row in Swift.max(0, -row0)..<Swift.min(alpha, g.height - row0) {
                                let line = plane + (row0 + row) * g.width + column0
                                for column in Swift.max(0, -column0)..<Swift.min(alpha, g.width - column0) {
                                    line[column] += full[row * alpha + column][lane]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The transpose of a row-major `[rows, columns]` matrix.
    static func transposed(_ matrix: [Float], rows: Int, columns: Int) -> [Float] {
        (0..<(rows * columns)).map { index in matrix[(index % rows) * columns + index / rows] }
    }
}

/// How a training Winograd convolution walks its batch: tiles in (image, tile row, tile column)
/// order, the images cut into `slices` contiguous runs (one per thread), each run in blocks of
/// tiles whose transformed inputs and products stay near one core's L2.
struct WinogradTrainingPlan {
    let batch: Int, slices: Int, points: Int, blockTiles: Int
    let tiles: WinogradTileGeometry

    init(inputShape: [Int], kernels: WinogradKernels, geometry g: Convolution2DGeometry, slices: Int?) {
        let transform = kernels.transform
        let (m, r, alpha) = (transform.outputTile, transform.kernelSize, transform.inputTile)
        precondition(inputShape.count == 4 && inputShape[1] == kernels.inChannels && WinogradTransform.fits(g)
                     && g.kernelHeight == r && (slices ?? 1) >= 1,
                     "Winograd conv2d: kernels \(kernels.outChannels)×\(kernels.inChannels)×\(r)×\(r) do not fit input \(inputShape) with \(g)")
        let (height, width) = (inputShape[2], inputShape[3])
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        let (tileRows, tileColumns) = ((outputHeight + m - 1) / m, (outputWidth + m - 1) / m)
        let slices = slices ?? BatchSlicing.sliceCount(batch: inputShape[0], positions: outputHeight * outputWidth) ?? 1
        (batch, self.slices, points) = (inputShape[0], slices, alpha * alpha)
        tiles = WinogradTileGeometry(outputTile: m, inputTile: alpha, tileColumns: tileColumns, tilesPerImage: tileRows * tileColumns,
                                     padding: (g.paddingHeight, g.paddingWidth), height: height, width: width,
                                     outputHeight: outputHeight, outputWidth: outputWidth)
        // ~4 MB of transformed inputs per block (twice the inference blocks: the backward's products
        // sum over the block's tiles, which wants them long).
        blockTiles = Swift.max(64, (1 << 20) / (points * Swift.max(kernels.inChannels, kernels.outChannels))) / 8 * 8
    }

    /// Runs `body(start, count, scratch)` over every block of tiles, slices in parallel under
    /// single-threaded BLAS; `scratch` holds one `[channels, α², blockTiles]` buffer per entry of
    /// `scratch` (0 channels: an empty one).
    func forEachBlock(scratch channels: [Int], _ body: (Int, Int, [UnsafeMutablePointer<Float>]) -> Void) {
        forEachBlock(scratch: channels, begin: { _, _ in }) { start, count, buffers, _ in body(start, count, buffers) }
    }

    /// `forEachBlock` with `begin(slice, images)` run on the slice's thread before its blocks, and
    /// the slice passed to `body`.
    func forEachBlock(scratch channels: [Int], begin: (Int, Range<Int>) -> Void,
                      _ body: (Int, Int, [UnsafeMutablePointer<Float>], Int) -> Void) {
        let tilesPerImage = tiles.tilesPerImage
        BLASThreads.singleThreaded {
            ThreadPolicy.parallelFor(slices, workPerItem: ThreadPolicy.minimumParallelWork) { range in
                for slice in range {
                    let images = BatchSlicing.images(slice: slice, of: slices, batch: batch)
                    begin(slice, images)
                    if images.isEmpty { continue }
                    let (first, last) = (images.lowerBound * tilesPerImage, images.upperBound * tilesPerImage)
                    let block = Swift.min(blockTiles, last - first)
                    let buffers = channels.map { Tensor(shape: [$0 * points * block]) { _ in } }
                    withExtendedLifetime(buffers) {
                        let pointers = buffers.map(\.pointer)
                        for start in stride(from: first, to: last, by: block) {
                            body(start, Swift.min(block, last - start), pointers, slice)
                        }
                    }
                }
            }
        }
    }
}
