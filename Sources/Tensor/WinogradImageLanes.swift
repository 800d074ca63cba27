import CReducedPrecision

/// Winograd's input and output transforms (`Tensor.channelMajorWinogradConv2d`) for narrow maps
/// (fewer tiles per row than `WinogradTileRows` takes, e.g. AlexNet's 3×3 to 15×15 maps in
/// LPIPS), with the lanes running over images instead of tiles: the tiles of a block are ordered
/// (tile position, image), so column p·batch + n of V and M is tile position p of image n.
///
/// - input: each channel's rows under the block are transposed once into `[row, column, batch]`,
///   so the value under tile position p at (i, j), x[n, row_p + i, column_p + j], is one vector load
///   for sixteen consecutive images, and a tap outside the image is a zero vector for all of them
///   (every image has the same padding at the same position); then V = Bᵀ d B for the sixteen at once;
/// - output: the sixteen images' products M_ξ are one vector load per point (each load asks for
///   the same point two lane groups on, so the α² strided reads do not wait on memory one after
///   another); Y = Aᵀ M A + b (and ReLU) at once, then each image's m×m outputs stored into its plane.
///
/// A batch not divisible by sixteen ends with a lane group that overlaps the one before it (the
/// shared images are computed twice, identically), so every load and store is a whole vector.
/// Same arithmetic per tile as the gathering transforms (each tile's sums in the same order).
enum WinogradImageLanes {
    /// Images transformed together: one image per lane.
    typealias Lanes = SIMD16<Float>

    /// Whether a convolution takes these transforms: fewer tiles per row than the row transforms
    /// take and at least one lane group of images.
    static func fits(batch: Int, tileColumns: Int) -> Bool {
        batch >= Lanes.scalarCount && tileColumns < WinogradTileRows.minimumTileColumns
    }

    /// The first image of each lane group: 0, 16, 32, …, and batch − 16 for the remainder.
    static func laneGroupStarts(batch: Int) -> [Int] {
        let lanes = Lanes.scalarCount
        var starts = Array(stride(from: 0, through: batch - lanes, by: lanes))
        if batch % lanes != 0 { starts.append(batch - lanes) }
        return starts
    }

    /// V_ξ[c, (p − firstPosition)·batch + n] = (Bᵀ d B)_ξ of tile position p of image n, for
    /// positions `firstPosition ..< firstPosition + positionCount`, into `target` `[channels, α², positionCount·batch]`.
    static func inputTransform(_ source: UnsafePointer<Float>, channels: Int, batch: Int, geometry g: WinogradTileGeometry,
                               dataTransform: [Float], firstPosition: Int, positionCount: Int, into target: UnsafeMutablePointer<Float>) {
        let (m, alpha) = (g.outputTile, g.inputTile)
        let points = alpha * alpha, count = positionCount * batch
        // The input rows the block's tiles read: firstRow ..< endRow.
        let firstTileRow = firstPosition / g.tileColumns, lastTileRow = (firstPosition + positionCount - 1) / g.tileColumns
        let firstRow = Swift.max(0, firstTileRow * m - g.padding.height)
        let endRow = Swift.min(g.height, lastTileRow * m - g.padding.height + alpha)
        let rowValues = Swift.max(0, endRow - firstRow) * g.width
        let groups = laneGroupStarts(batch: batch)
        ThreadPolicy.parallelFor(channels, workPerItem: count * 4 * points * alpha) { range in
            dataTransform.withUnsafeBufferPointer { transform in
                let transposed = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, rowValues * batch))  // [rows, width, batch]
                let scratch = UnsafeMutablePointer<Lanes>.allocate(capacity: 3 * points)
                defer { transposed.deallocate(); scratch.deallocate() }
                let (tile, half, full) = (scratch, scratch + points, scratch + 2 * points)  // d, Bᵀ d, Bᵀ d B
                for channel in range {
                    for image in 0..<batch {
                        var plane = source + ((channel * batch + image) * g.height + firstRow) * g.width  // [rows, width]
                        var lane = transposed + image
                        for _ in 0..<rowValues {
                            lane.pointee = plane.pointee
                            (plane, lane) = (plane + 1, lane + batch)
                        }
                    }
                    for position in firstPosition..<(firstPosition + positionCount) {
                        let (tileRow, tileColumn) = position.quotientAndRemainder(dividingBy: g.tileColumns)
                        let (row0, column0) = (tileRow * m - g.padding.height, tileColumn * m - g.padding.width)
                        for imageStart in groups {
                            for row in 0..<alpha {
                                let inputRow = row0 + row
                                let rowInside = inputRow >= 0 && inputRow < g.height
                                for column in 0..<alpha {
                                    let inputColumn = column0 + column
                                    if rowInside && inputColumn >= 0 && inputColumn < g.width {
                                        let values = transposed + ((inputRow - firstRow) * g.width + inputColumn) * batch + imageStart
                                        tile[row * alpha + column] = UnsafeRawPointer(values).loadUnaligned(as: Lanes.self)
                                    } else {
                                        tile[row * alpha + column] = Lanes()
                                    }
                                }
                            }
                            Tensor.multiplyLanes(transform.baseAddress!, tile, into: half, rows: alpha, inner: alpha, columns: alpha)
                            Tensor.multiplyLanesTransposed(half, transform.baseAddress!, into: full, rows: alpha, inner: alpha, columns: alpha)
                            Tensor.storePoints(full, points: points, used: Lanes.scalarCount,
                                               into: target + channel * points * count + (position - firstPosition) * batch + imageStart,
                                               pointStride: count)
                        }
                    }
                }
            }
        }
    }

    /// Y = Aᵀ M A (+ bias, ReLU) of every output channel's tile positions `firstPosition ..<
    /// firstPosition + positionCount` of every image, from the products `[channels, α², positionCount·batch]`,
    /// into channel-major `target` `[channels, batch, outHeight, outWidth]`.
    static func outputTransform(_ products: UnsafePointer<Float>, channels: Int, batch: Int, geometry g: WinogradTileGeometry,
                                outputTransform: [Float], bias: [Float]?, rectified: Bool, firstPosition: Int, positionCount: Int,
                                into target: UnsafeMutablePointer<Float>) {
        let (m, alpha) = (g.outputTile, g.inputTile)
        let points = alpha * alpha, count = positionCount * batch, lanes = Lanes.scalarCount
        let groups = laneGroupStarts(batch: batch)
        ThreadPolicy.parallelFor(channels, workPerItem: count * 2 * points * m) { range in
            outputTransform.withUnsafeBufferPointer { transform in
                bias.withOptionalBufferPointer { biases in
                    let scratch = UnsafeMutablePointer<Lanes>.allocate(capacity: points + m * alpha + m * m)
                    defer { scratch.deallocate() }
                    let (tile, half, full) = (scratch, scratch + points, scratch + points + m * alpha)  // M, Aᵀ M, Aᵀ M A
                    let values = UnsafeRawPointer(full).assumingMemoryBound(to: Float.self)          // [m·m, lanes]
                    for channel in range {
                        let shift = Lanes(repeating: biases?[channel] ?? 0)
                        for position in firstPosition..<(firstPosition + positionCount) {
                            let (tileRow, tileColumn) = position.quotientAndRemainder(dividingBy: g.tileColumns)
                            let (outputRow0, outputColumn0) = (tileRow * m, tileColumn * m)
                            let (rows, columns) = (Swift.min(m, g.outputHeight - outputRow0), Swift.min(m, g.outputWidth - outputColumn0))
                            for imageStart in groups {
                                let line = products + channel * points * count + (position - firstPosition) * batch + imageStart
                                for point in 0..<points {
                                    tile[point] = UnsafeRawPointer(line + point * count).loadUnaligned(as: Lanes.self)
                                    ck_prefetch(line + point * count + 2 * lanes)  // this point of the lane group after next
                                }
                                Tensor.multiplyLanes(transform.baseAddress!, tile, into: half, rows: m, inner: alpha, columns: alpha)
                                Tensor.multiplyLanesTransposed(half, transform.baseAddress!, into: full, rows: m, inner: alpha, columns: m)
                                for index in 0..<(m * m) {
                                    let value = full[index] + shift
                                    full[index] = rectified ? value.replacing(with: 0, where: value .< 0) : value
                                }
                                let corner = target + ((channel * batch + imageStart) * g.outputHeight + outputRow0) * g.outputWidth
                                    + outputColumn0  // the tile's corner in the lane group's first plane
                                for lane in 0..<lanes {
                                    var (line, value) = (corner + lane * g.outputHeight * g.outputWidth, values + lane)
                                    for _ in 0..<rows {
                                        for column in 0..<columns { line[column] = value[column * lanes] }
                                        (line, value) = (line + g.outputWidth, value + m * lanes)
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
