/// Winograd's input and output transforms (`Tensor.channelMajorWinogradConv2d`) for wide maps,
/// sixteen neighbouring tiles of one tile row per SIMD lane group, so that every load and store
/// of the transformed data is contiguous:
///
/// - input: the α input rows under a tile row are copied once into m phase rows,
///   P_q[k] = x[row, k·m + q − padding] (zeros outside the image), so the value under tile t at
///   tile column j, x[row, t·m + j − padding] = P_{j mod m}[t + ⌊j/m⌋], is one unaligned vector
///   load for sixteen consecutive tiles; then V = Bᵀ d B for the sixteen at once;
/// - output: the sixteen tiles' products M_ξ are one vector load per point; Y = Aᵀ M A + b (and
///   ReLU) at once, each tile's m×m outputs then stored into its rows.
///
/// Same arithmetic as the gathering transforms of narrow maps (each tile's sums in the same
/// order), without their per-tile index arithmetic and bounds tests.
enum WinogradTileRows {
    /// Tiles transformed together: one tile per lane.
    typealias Lanes = SIMD16<Float>

    /// Tile rows at least this long take these transforms (shorter ones would leave lanes idle).
    static let minimumTileColumns = 16

    /// The runs of tiles `start ..< start + count` that lie in one tile row of one image:
    /// `body(first tile, image, tile row, first tile column, tiles)`.
    @inline(__always)
    static func forEachRowRun(_ g: WinogradTileGeometry, start: Int, count: Int, _ body: (Int, Int, Int, Int, Int) -> Void) {
        var tile = start
        let end = start + count
        while tile < end {
            let (image, within) = tile.quotientAndRemainder(dividingBy: g.tilesPerImage)
            let (tileRow, tileColumn) = within.quotientAndRemainder(dividingBy: g.tileColumns)
            let run = Swift.min(g.tileColumns - tileColumn, end - tile)
            body(tile, image, tileRow, tileColumn, run)
            tile += run
        }
    }

    /// V_ξ[c, t] = (Bᵀ d B)_ξ of tiles `start ..< start + count` into `target` `[channels, α², count]`.
    static func inputTransform(_ source: UnsafePointer<Float>, channels: Int, batch: Int, geometry g: WinogradTileGeometry,
                               dataTransform: [Float], start: Int, count: Int, into target: UnsafeMutablePointer<Float>) {
        let (m, alpha) = (g.outputTile, g.inputTile)
        let points = alpha * alpha, lanes = Lanes.scalarCount
        // Phase rows long enough for a full lane group starting at the last tile, plus the ⌊(α−1)/m⌋ reach.
        let phaseLength = g.tileColumns + (alpha - 1) / m + lanes
        ThreadPolicy.parallelFor(channels, workPerItem: count * 4 * points * alpha) { range in
            dataTransform.withUnsafeBufferPointer { transform in
                let phases = UnsafeMutablePointer<Float>.allocate(capacity: alpha * m * phaseLength)  // [α rows, m phases, phaseLength]
                let scratch = UnsafeMutablePointer<Lanes>.allocate(capacity: 3 * points)
                defer { phases.deallocate(); scratch.deallocate() }
                let (tile, half, full) = (scratch, scratch + points, scratch + 2 * points)  // d, Bᵀ d, Bᵀ d B
                for channel in range {
                    forEachRowRun(g, start: start, count: count) { first, image, tileRow, tileColumn, run in
                        let plane = source + (channel * batch + image) * g.height * g.width  // [height, width]
                        // The α input rows under this tile row, split by column phase.
                        for row in 0..<alpha {
                            let inputRow = tileRow * m - g.padding.height + row
                            let rowPhases = phases + row * m * phaseLength
                            guard inputRow >= 0 && inputRow < g.height else {
                                rowPhases.initialize(repeating: 0, count: m * phaseLength)
                                continue
                            }
                            let line = plane + inputRow * g.width
                            for phase in 0..<m {
                                // Entries k whose column k·m + phase − padding lies in the row: first ..< end.
                                let target = rowPhases + phase * phaseLength
                                let first = Swift.min(phaseLength, (g.padding.width - phase + m - 1) / m)
                                let end = Swift.max(first, Swift.min(phaseLength, (g.width + g.padding.width - phase + m - 1) / m))
                                target.initialize(repeating: 0, count: first)
                                let origin = line + phase - g.padding.width
                                for index in first..<end { target[index] = origin[index * m] }
                                (target + end).initialize(repeating: 0, count: phaseLength - end)
                            }
                        }
                        for offset in stride(from: 0, to: run, by: lanes) {
                            let used = Swift.min(lanes, run - offset)
                            let firstColumn = tileColumn + offset
                            for row in 0..<alpha {
                                for column in 0..<alpha {
                                    let phase = phases + (row * m + column % m) * phaseLength + firstColumn + column / m
                                    tile[row * alpha + column] = UnsafeRawPointer(phase).loadUnaligned(as: Lanes.self)
                                }
                            }
                            Tensor.multiplyLanes(transform.baseAddress!, tile, into: half, rows: alpha, inner: alpha, columns: alpha)
                            Tensor.multiplyLanesTransposed(half, transform.baseAddress!, into: full, rows: alpha, inner: alpha, columns: alpha)
                            Tensor.storePoints(full, points: points, used: used,
                                               into: target + channel * points * count + first - start + offset, pointStride: count)
                        }
                    }
                }
            }
        }
    }

    /// Y = Aᵀ M A (+ bias, ReLU) of every output channel's tiles `start ..< start + count`, from the
    /// products `[channels, α², count]`, into channel-major `target` `[channels, batch, outHeight, outWidth]`.
    static func outputTransform(_ products: UnsafePointer<Float>, channels: Int, batch: Int, geometry g: WinogradTileGeometry,
                                outputTransform: [Float], bias: [Float]?, rectified: Bool, start: Int, count: Int,
                                into target: UnsafeMutablePointer<Float>) {
        let (m, alpha) = (g.outputTile, g.inputTile)
        let points = alpha * alpha, lanes = Lanes.scalarCount
        ThreadPolicy.parallelFor(channels, workPerItem: count * 2 * points * m) { range in
            outputTransform.withUnsafeBufferPointer { transform in
                bias.withOptionalBufferPointer { biases in
                    let scratch = UnsafeMutablePointer<Lanes>.allocate(capacity: points + m * alpha + m * m)
                    defer { scratch.deallocate() }
                    let (tile, half, full) = (scratch, scratch + points, scratch + points + m * alpha)  // M, Aᵀ M, Aᵀ M A
                    for channel in range {
                        let shift = Lanes(repeating: biases?[channel] ?? 0)
                        forEachRowRun(g, start: start, count: count) { first, image, tileRow, tileColumn, run in
                            let plane = target + (channel * batch + image) * g.outputHeight * g.outputWidth  // [outHeight, outWidth]
                            let rows = Swift.min(m, g.outputHeight - tileRow * m)
                            for offset in stride(from: 0, to: run, by: lanes) {
                                let used = Swift.min(lanes, run - offset)
                                let position = first - start + offset
                                Tensor.loadPoints(products + channel * points * count + position, points: points, used: used,
                                                  pointStride: count, into: tile)
                                Tensor.multiplyLanes(transform.baseAddress!, tile, into: half, rows: m, inner: alpha, columns: alpha)
                                Tensor.multiplyLanesTransposed(half, transform.baseAddress!, into: full, rows: m, inner: alpha, columns: m)
                                for index in 0..<(m * m) {
                                    let value = full[index] + shift
                                    full[index] = rectified ? value.replacing(with: 0, where: value .< 0) : value
                                }
                                let firstColumn = (tileColumn + offset) * m
                                // Lanes whose m columns all fit, then the last tile clipped at the right edge.
                                let whole = Swift.min(used, (g.outputWidth - firstColumn) / m)
                                for row in 0..<rows {
                                    let line = plane + (tileRow * m + row) * g.outputWidth + firstColumn
                                    for lane in 0..<whole {
                                        for column in 0..<m { line[lane * m + column] = full[row * m + column][lane] }
                                    }
                                    if whole < used {
                                        for column in 0..<(g.outputWidth - firstColumn - whole * m) {
                                            line[whole * m + column] = full[row * m + column][whole]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
