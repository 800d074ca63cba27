import CBLAS

/// A convolution's kernels in Winograd's domain, U_ξ = (G g Gᵀ)_ξ for every input/output channel
/// pair (`WinogradTransform`), laid out as α² matrices `[outChannels, inChannels]` so that each
/// transform point ξ of `Tensor.channelMajorWinogradConv2d` is one matrix product. Computed once
/// per weight and reused for every batch.
public struct WinogradKernels: Sendable {
    public let transform: WinogradTransform
    public let outChannels: Int
    public let inChannels: Int
    /// U `[α², outChannels, inChannels]`.
    let transformed: [Float]

    /// The transformed kernels of a PyTorch `Conv2d` weight `[out, in, r, r]` (groups = 1).
    public init(weight: Tensor, transform: WinogradTransform) {
        let r = transform.kernelSize, alpha = transform.inputTile
        precondition(weight.rank == 4 && weight.shape[2] == r && weight.shape[3] == r,
                     "Winograd kernels: weight \(weight.shape) is not [out, in, \(r), \(r)]")
        (self.transform, outChannels, inChannels) = (transform, weight.shape[0], weight.shape[1])
        let pairs = outChannels * inChannels, points = alpha * alpha, lanes = Tensor.TileLanes.scalarCount
        let kernelTransform = transform.kernelTransform, source = weight.pointer
        // Eight channel pairs at a time, one per SIMD lane; each point's lanes are stored contiguously.
        transformed = [Float](unsafeUninitializedCapacity: points * pairs) { buffer, count in
            let target = buffer.baseAddress!
            kernelTransform.withUnsafeBufferPointer { transformPointer in
                let evaluation = transformPointer.baseAddress!  // G [α, r]
                ThreadPolicy.parallelFor((pairs + lanes - 1) / lanes, workPerItem: lanes * 2 * alpha * alpha * r) { range in
                    let scratch = UnsafeMutablePointer<Tensor.TileLanes>.allocate(capacity: r * r + alpha * r + points)
                    defer { scratch.deallocate() }
                    let (kernel, half, full) = (scratch, scratch + r * r, scratch + r * r + alpha * r)  // g, G g, G g Gᵀ
                    for group in range {
                        let first = group * lanes, used = Swift.min(lanes, pairs - first)
                        Tensor.gatherLanes(source + first * r * r, lanes: used, values: r * r, into: kernel)
                        Tensor.multiplyLanes(evaluation, kernel, into: half, rows: alpha, inner: r, columns: r)
                        Tensor.multiplyLanesTransposed(half, evaluation, into: full, rows: alpha, inner: r, columns: alpha)
                        Tensor.storePoints(full, points: points, used: used, into: target + first, pointStride: pairs)
                    }
                }
            }
            count = points * pairs
        }
    }
}

extension Tensor {
    /// Inference stride-1 convolution of channel-major activations `[inChannels, batch, height,
    /// width]` by Winograd's minimal filtering F(m×m, r×r) (Lavin & Gray 2016): the output is cut
    /// into m×m tiles, each read as its α×α input tile (zeros outside the image), and
    ///
    ///     Y_tile = Aᵀ [Σ_c U_c ⊙ (Bᵀ d_c B)] A + b,   then ReLU when `rectified`
    ///
    /// where the sum over input channels is, for each of the α² transform points, one matrix
    /// product `[out, in] · [in, tiles]`. Same semantics as `channelMajorConv2d` with a square
    /// r×r kernel, stride 1, no dilation and `padding`; the results agree to rounding (the
    /// transforms reorder the sums). Writes channels `channelOffset ..< channelOffset + out` of
    /// `output` `[channels, batch, outHeight, outWidth]`.
    public static func channelMajorWinogradConv2d(_ input: Tensor, kernels: WinogradKernels, bias: [Float]?,
                                                  padding: (height: Int, width: Int), rectified: Bool,
                                                  into output: inout Tensor, channelOffset: Int = 0) {
        let transform = kernels.transform
        let (m, r, alpha) = (transform.outputTile, transform.kernelSize, transform.inputTile)
        precondition(input.rank == 4 && input.shape[0] == kernels.inChannels,
                     "Winograd conv2d: kernels for \(kernels.inChannels) input channels do not fit input \(input.shape)")
        let (inChannels, batch, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = kernels.outChannels
        let (outputHeight, outputWidth) = (height + 2 * padding.height - r + 1, width + 2 * padding.width - r + 1)
        precondition(outputHeight > 0 && outputWidth > 0, "Winograd conv2d: a \(r)×\(r) kernel does not fit \(height)×\(width) padded by \(padding)")
        precondition(output.rank == 4 && output.shape[1] == batch && output.shape[2] == outputHeight && output.shape[3] == outputWidth
            && channelOffset >= 0 && channelOffset + outChannels <= output.shape[0],
            "Winograd conv2d: output \(output.shape) cannot hold channels \(channelOffset)..<\(channelOffset + outChannels) of [\(batch), \(outputHeight), \(outputWidth)]")
        precondition(bias == nil || bias!.count == outChannels, "Winograd conv2d: \(bias!.count) biases for \(outChannels) channels")
        let (tileRows, tileColumns) = ((outputHeight + m - 1) / m, (outputWidth + m - 1) / m)
        let tilesPerImage = tileRows * tileColumns, tileCount = batch * tilesPerImage
        let points = alpha * alpha
        // Tiles per block: the transformed inputs and products stay within ~2 MB each, about one
        // core's L2, so the products are still cached when the output transform reads them
        // (LPIPS-alex took ~10 % less CPU time than with 16 MB blocks; the FID Inception the same).
        let blockTiles = Swift.min(tileCount, Swift.max(64, (1 << 19) / (points * Swift.max(inChannels, outChannels))))
        // Narrow maps of a batch of at least one lane group take image lanes: tiles ordered (position,
        // image) and blocks of whole tile positions (every image of each); otherwise blocks of tiles in
        // (image, position) order.
        let imageLanes = WinogradImageLanes.fits(batch: batch, tileColumns: tileColumns)
        let (unitCount, unitTiles) = imageLanes ? (tilesPerImage, batch) : (tileCount, 1)
        let blockUnits = Swift.min(unitCount, Swift.max(1, blockTiles / unitTiles))
        let blockColumns = blockUnits * unitTiles
        // Every entry of a block is written before it is read (V by the input transform, M by the products).
        // Channel-major, so each channel's α² points of a block are one contiguous run for the transforms;
        // each point's product reads and writes them at a row stride of α²·count.
        // Both come from the buffer pool: the same sizes return layer after layer, batch after batch,
        // without faulting fresh pages in.
        let transformedInput = Tensor(shape: [inChannels, points, blockColumns]) { _ in }  // V [in, α², tiles]
        let products = Tensor(shape: [outChannels, points, blockColumns]) { _ in }          // M [out, α², tiles]
        let geometry = WinogradTileGeometry(outputTile: m, inputTile: alpha, tileColumns: tileColumns, tilesPerImage: tilesPerImage,
                                            padding: padding, height: height, width: width,
                                            outputHeight: outputHeight, outputWidth: outputWidth)
        output.withUnsafeMutableBufferPointer { outputBuffer in
            withExtendedLifetime((transformedInput, products)) {
                let (inputPoints, productPoints) = (UnsafeMutableBufferPointer(start: transformedInput.pointer, count: transformedInput.count),
                                                    UnsafeMutableBufferPointer(start: products.pointer, count: products.count))
                do {
                    kernels.transformed.withUnsafeBufferPointer { kernelPoints in
                        for start in stride(from: 0, to: unitCount, by: blockUnits) {
                            let units = Swift.min(blockUnits, unitCount - start), count = units * unitTiles
                            if imageLanes {
                                WinogradImageLanes.inputTransform(input.pointer, channels: inChannels, batch: batch, geometry: geometry,
                                                                  dataTransform: transform.dataTransform, firstPosition: start,
                                                                  positionCount: units, into: inputPoints.baseAddress!)
                            } else if tileColumns >= WinogradTileRows.minimumTileColumns {
                                WinogradTileRows.inputTransform(input.pointer, channels: inChannels, batch: batch, geometry: geometry,
                                                                dataTransform: transform.dataTransform, start: start, count: count,
                                                                into: inputPoints.baseAddress!)
                            } else {
                                winogradInputTransform(input.pointer, channels: inChannels, layout: .channelMajor(batch: batch), geometry: geometry,
                                                       dataTransform: transform.dataTransform, start: start, count: count,
                                                       into: inputPoints.baseAddress!)
                            }
                            // One product per transform point, the points spread over our threads with
                            // single-threaded BLAS (many mid-sized products; OpenBLAS's own threads would
                            // hand over and spin on each).
                            let (kernelBase, inputBase, productBase) = (kernelPoints.baseAddress!, inputPoints.baseAddress!, productPoints.baseAddress!)
                            BLASThreads.singleThreaded {
                                ThreadPolicy.parallelFor(points, workPerItem: outChannels * inChannels * count) { range in
                                    for point in range {
                                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(count), Int32(inChannels), 1,
                                                    kernelBase + point * outChannels * inChannels, Int32(inChannels),
                                                    inputBase + point * count, Int32(points * count), 0,
                                                    productBase + point * count, Int32(points * count))
                                    }
                                }
                            }
                            let outputBase = outputBuffer.baseAddress! + channelOffset * batch * outputHeight * outputWidth
                            if imageLanes {
                                WinogradImageLanes.outputTransform(productPoints.baseAddress!, channels: outChannels, batch: batch,
                                                                   geometry: geometry, outputTransform: transform.outputTransform, bias: bias,
                                                                   rectified: rectified, firstPosition: start, positionCount: units,
                                                                   into: outputBase)
                            } else if tileColumns >= WinogradTileRows.minimumTileColumns {
                                WinogradTileRows.outputTransform(productPoints.baseAddress!, channels: outChannels, batch: batch, geometry: geometry,
                                                                 outputTransform: transform.outputTransform, bias: bias, rectified: rectified,
                                                                 start: start, count: count, into: outputBase)
                            } else {
                                winogradOutputTransform(productPoints.baseAddress!, channels: outChannels, layout: .channelMajor(batch: batch), geometry: geometry,
                                                        outputTransform: transform.outputTransform, bias: bias, rectified: rectified,
                                                        start: start, count: count, into: outputBase)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `channelMajorWinogradConv2d` into a new `[outChannels, batch, outHeight, outWidth]` tensor.
    public static func channelMajorWinogradConv2d(_ input: Tensor, kernels: WinogradKernels, bias: [Float]?,
                                                  padding: (height: Int, width: Int), rectified: Bool) -> Tensor {
        let r = kernels.transform.kernelSize
        let (outputHeight, outputWidth) = (input.shape[2] + 2 * padding.height - r + 1, input.shape[3] + 2 * padding.width - r + 1)
        var output = Tensor(shape: [kernels.outChannels, input.shape[1], outputHeight, outputWidth]) { _ in }
        channelMajorWinogradConv2d(input, kernels: kernels, bias: bias, padding: padding, rectified: rectified, into: &output)
        return output
    }

    /// Tiles transformed together, one per SIMD lane.
    typealias TileLanes = SIMD8<Float>

    /// V_ξ[c, t] = (Bᵀ d B)_ξ of the α×α input tile d of channel c under tiles `start ..< start + count`,
    /// into `target` `[channels, α², count]`; eight tiles at a time, one per SIMD lane. The source's
    /// planes sit as `layout` says (channel-major for inference, batch-major in training).
    static func winogradInputTransform(_ source: UnsafePointer<Float>, channels: Int, layout: PlaneLayout, geometry g: WinogradTileGeometry,
                                       dataTransform: [Float], start: Int, count: Int, into target: UnsafeMutablePointer<Float>) {
        let alpha = g.inputTile, points = alpha * alpha, lanes = TileLanes.scalarCount
        let origins = (0..<count).map { g.tileOrigin(start + $0) }  // once for every channel
        ThreadPolicy.parallelFor(channels, workPerItem: count * 4 * points * alpha) { range in
            dataTransform.withUnsafeBufferPointer { transform in
                let scratch = UnsafeMutablePointer<TileLanes>.allocate(capacity: 3 * points)
                defer { scratch.deallocate() }
                let (tile, half, full) = (scratch, scratch + points, scratch + 2 * points)  // d, Bᵀ d, Bᵀ d B
                for channel in range {
                    for first in stride(from: 0, to: count, by: lanes) {
                        let used = Swift.min(lanes, count - first)
                        for point in 0..<points { tile[point] = TileLanes() }
                        for lane in 0..<used {
                            let (image, row0, column0) = origins[first + lane]
                            let plane = source + layout.plane(channel: channel, image: image) * g.height * g.width
                            for row in Swift.max(0, -row0)..<Swift.min(alpha, g.height - row0) {
                                let line = plane + (row0 + row) * g.width + column0
                                for column in Swift.max(0, -column0)..<Swift.min(alpha, g.width - column0) {
                                    tile[row * alpha + column][lane] = line[column]
                                }
                            }
                        }
                        multiplyLanes(transform.baseAddress!, tile, into: half, rows: alpha, inner: alpha, columns: alpha)
                        multiplyLanesTransposed(half, transform.baseAddress!, into: full, rows: alpha, inner: alpha, columns: alpha)
                        storePoints(full, points: points, used: used, into: target + channel * points * count + first, pointStride: count)
                    }
                }
            }
        }
    }

    /// Y = Aᵀ M A (+ bias, ReLU) of every output channel's tiles `start ..< start + count`, from the
    /// products `[channels, α², count]`, into `target`'s planes laid out as `layout` says (channel-major
    /// `[channels, batch, outHeight, outWidth]` for inference, batch-major in training); eight tiles at a
    /// time, one per SIMD lane.
    static func winogradOutputTransform(_ products: UnsafePointer<Float>, channels: Int, layout: PlaneLayout, geometry g: WinogradTileGeometry,
                                        outputTransform: [Float], bias: [Float]?, rectified: Bool, start: Int, count: Int,
                                        into target: UnsafeMutablePointer<Float>) {
        let (m, alpha) = (g.outputTile, g.inputTile)
        let points = alpha * alpha, lanes = TileLanes.scalarCount
        let origins = (0..<count).map { g.tileOrigin(start + $0) }  // once for every channel
        ThreadPolicy.parallelFor(channels, workPerItem: count * 2 * points * m) { range in
            outputTransform.withUnsafeBufferPointer { transform in
                bias.withOptionalBufferPointer { biases in
                    let scratch = UnsafeMutablePointer<TileLanes>.allocate(capacity: points + m * alpha + m * m)
                    defer { scratch.deallocate() }
                    let (tile, half, full) = (scratch, scratch + points, scratch + points + m * alpha)  // M, Aᵀ M, Aᵀ M A
                    for channel in range {
                        let shift = biases?[channel] ?? 0
                        for first in stride(from: 0, to: count, by: lanes) {
                            let used = Swift.min(lanes, count - first)
                            loadPoints(products + channel * points * count + first, points: points, used: used, pointStride: count, into: tile)
                            multiplyLanes(transform.baseAddress!, tile, into: half, rows: m, inner: alpha, columns: alpha)
                            multiplyLanesTransposed(half, transform.baseAddress!, into: full, rows: m, inner: alpha, columns: m)
                            for lane in 0..<used {
                                let (image, row0, column0) = origins[first + lane]
                                let (outputRow0, outputColumn0) = (row0 + g.padding.height, column0 + g.padding.width)
                                let plane = target + layout.plane(channel: channel, image: image) * g.outputHeight * g.outputWidth
                                for row in 0..<Swift.min(m, g.outputHeight - outputRow0) {
                                    let line = plane + (outputRow0 + row) * g.outputWidth + outputColumn0
                                    for column in 0..<Swift.min(m, g.outputWidth - outputColumn0) {
                                        let value = full[row * m + column][lane] + shift
                                        line[column] = rectified ? Swift.max(value, 0) : value
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Loads the first `used` lanes of each of `points` vectors from `source + point·pointStride`,
    /// zeros in the other lanes (a lane group of tiles' α² points from `[α², count]`): one vector
    /// load when every lane is used. The mirror of `storePoints`.
    @inline(__always)
    static func loadPoints<Lanes: SIMD>(_ source: UnsafePointer<Float>, points: Int, used: Int, pointStride: Int,
                                        into values: UnsafeMutablePointer<Lanes>) where Lanes.Scalar == Float {
        for point in 0..<points {
            let line = source + point * pointStride
            if used == Lanes.scalarCount {
                values[point] = UnsafeRawPointer(line).loadUnaligned(as: Lanes.self)
            } else {
                values[point] = Lanes()
                for lane in 0..<used { values[point][lane] = line[lane] }
            }
        }
    }

    /// Lane `l` of `values[v]` = `source[l · values + v]`, for `lanes` consecutive runs of `values`
    /// floats (e.g. eight channel pairs' r×r kernels); unused lanes are zero. The transpose is done
    /// through a plain float view of the lanes, not element by element on SIMD values.
    @inline(__always)
    static func gatherLanes<Lanes: SIMD>(_ source: UnsafePointer<Float>, lanes used: Int, values: Int,
                                         into target: UnsafeMutablePointer<Lanes>) where Lanes.Scalar == Float {
        let width = Lanes.scalarCount
        UnsafeMutableRawPointer(target).withMemoryRebound(to: Float.self, capacity: values * width) { floats in
            if used < width { floats.update(repeating: 0, count: values * width) }
            for lane in 0..<used {
                let run = source + lane * values
                for value in 0..<values { floats[value &* width &+ lane] = run[value] }
            }
        }
    }

    /// The inverse of `gatherLanes`: `target[l · values + v]` = lane `l` of `values[v]` for the first
    /// `lanes` lanes.
    @inline(__always)
    static func scatterLanes<Lanes: SIMD>(_ source: UnsafePointer<Lanes>, lanes used: Int, values: Int,
                                          into target: UnsafeMutablePointer<Float>) where Lanes.Scalar == Float {
        let width = Lanes.scalarCount
        UnsafeRawPointer(source).withMemoryRebound(to: Float.self, capacity: values * width) { floats in
            for lane in 0..<used {
                let run = target + lane * values
                for value in 0..<values { run[value] = floats[value &* width &+ lane] }
            }
        }
    }

    /// Stores the first `used` lanes of each of `points` vectors to `target + point·pointStride`
    /// (V_ξ of a lane group of tiles into `[α², count]`): one vector store when every lane is used.
    @inline(__always)
    static func storePoints<Lanes: SIMD>(_ values: UnsafePointer<Lanes>, points: Int, used: Int,
                                         into target: UnsafeMutablePointer<Float>, pointStride: Int) where Lanes.Scalar == Float {
        for point in 0..<points {
            let line = target + point * pointStride
            if used == Lanes.scalarCount {
                UnsafeMutableRawPointer(line).storeBytes(of: values[point], as: Lanes.self)
            } else {
                for lane in 0..<used { line[lane] = values[point][lane] }
            }
        }
    }

    /// C = A·B with A `[rows, inner]` scalars and B `[inner, columns]` lanes (zero entries of A
    /// skipped), each entry summed in a register in the order of `inner`.
    @inline(__always)
    static func multiplyLanes<Lanes: SIMD>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Lanes>, into c: UnsafeMutablePointer<Lanes>,
                                           rows: Int, inner: Int, columns: Int) where Lanes.Scalar == Float {
        // The tile sizes F(2…4, 3) and F(2…3, 5) use, as constants, so that each entry's sum is unrolled.
        switch inner {
        case 3: multiplyLanesUnrolled(a, b, into: c, rows: rows, inner: 3, columns: columns)
        case 4: multiplyLanesUnrolled(a, b, into: c, rows: rows, inner: 4, columns: columns)
        case 5: multiplyLanesUnrolled(a, b, into: c, rows: rows, inner: 5, columns: columns)
        case 6: multiplyLanesUnrolled(a, b, into: c, rows: rows, inner: 6, columns: columns)
        case 7: multiplyLanesUnrolled(a, b, into: c, rows: rows, inner: 7, columns: columns)
        default: multiplyLanesUnrolled(a, b, into: c, rows: rows, inner: inner, columns: columns)
        }
    }

    /// `multiplyLanes`' arithmetic, inlined where `inner` is a constant.
    @inline(__always)
    private static func multiplyLanesUnrolled<Lanes: SIMD>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Lanes>, into c: UnsafeMutablePointer<Lanes>,
                                                           rows: Int, inner: Int, columns: Int) where Lanes.Scalar == Float {
        for row in 0..<rows {
            for column in 0..<columns {
                var sum = Lanes()
                for index in 0..<inner {
                    let coefficient = a[row &* inner &+ index]
                    if coefficient != 0 { sum += coefficient * b[index &* columns &+ column] }
                }
                c[row &* columns &+ column] = sum
            }
        }
    }

    /// C = A·Bᵀ with A `[rows, inner]` lanes and B `[columns, inner]` scalars (zero entries of B
    /// skipped), each entry summed in a register in the order of `inner`.
    @inline(__always)
    static func multiplyLanesTransposed<Lanes: SIMD>(_ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Lanes>,
                                                     rows: Int, inner: Int, columns: Int) where Lanes.Scalar == Float {
        switch inner {
        case 3: multiplyLanesTransposedUnrolled(a, b, into: c, rows: rows, inner: 3, columns: columns)
        case 4: multiplyLanesTransposedUnrolled(a, b, into: c, rows: rows, inner: 4, columns: columns)
        case 5: multiplyLanesTransposedUnrolled(a, b, into: c, rows: rows, inner: 5, columns: columns)
        case 6: multiplyLanesTransposedUnrolled(a, b, into: c, rows: rows, inner: 6, columns: columns)
        case 7: multiplyLanesTransposedUnrolled(a, b, into: c, rows: rows, inner: 7, columns: columns)
        default: multiplyLanesTransposedUnrolled(a, b, into: c, rows: rows, inner: inner, columns: columns)
        }
    }

    /// `multiplyLanesTransposed`' arithmetic, inlined where `inner` is a constant.
    @inline(__always)
    private static func multiplyLanesTransposedUnrolled<Lanes: SIMD>(_ a: UnsafePointer<Lanes>, _ b: UnsafePointer<Float>,
                                                                     into c: UnsafeMutablePointer<Lanes>,
                                                                     rows: Int, inner: Int, columns: Int) where Lanes.Scalar == Float {
        for row in 0..<rows {
            for column in 0..<columns {
                var sum = Lanes()
                for index in 0..<inner {
                    let coefficient = b[column &* inner &+ index]
                    if coefficient != 0 { sum += coefficient * a[row &* inner &+ index] }
                }
                c[row &* columns &+ column] = sum
            }
        }
    }
}

/// Where the plane (channel, image) of a 4-D activation tensor starts, in planes of height × width:
/// channel-major `[channels, batch, …]` or batch-major `[batch, channels, …]`.
struct PlaneLayout {
    let channelStride: Int, imageStride: Int

    static func channelMajor(batch: Int) -> PlaneLayout { PlaneLayout(channelStride: batch, imageStride: 1) }
    static func batchMajor(channels: Int) -> PlaneLayout { PlaneLayout(channelStride: 1, imageStride: channels) }

    @inline(__always)
    func plane(channel: Int, image: Int) -> Int { channel &* channelStride &+ image &* imageStride }
}

/// Where the tiles of a Winograd convolution sit: tile t of the batch is image t / tilesPerImage,
/// tile row and column within it, its input tile starting at (row·m − padding, column·m − padding).
struct WinogradTileGeometry {
    let outputTile: Int, inputTile: Int
    let tileColumns: Int, tilesPerImage: Int
    let padding: (height: Int, width: Int)
    let height: Int, width: Int
    let outputHeight: Int, outputWidth: Int

    /// The image of tile `tile` and the top-left input position of its α×α input tile.
    @inline(__always)
    func tileOrigin(_ tile: Int) -> (image: Int, row: Int, column: Int) {
        let (image, within) = tile.quotientAndRemainder(dividingBy: tilesPerImage)
        let (tileRow, tileColumn) = within.quotientAndRemainder(dividingBy: tileColumns)
        return (image, tileRow * outputTile - padding.height, tileColumn * outputTile - padding.width)
    }
}
