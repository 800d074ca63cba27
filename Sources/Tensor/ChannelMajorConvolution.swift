import CBLAS
import Foundation

extension Tensor {
    /// Inference 2-D convolution over channel-major activations `[inChannels, batch, height, width]`
    /// (each channel's planes of every image contiguous), the layout in which a whole batch is one
    /// matrix product: y = act(W·columns + b) with W `[outChannels, inChannels·kh·kw]` and the
    /// columns `[inChannels·kh·kw, batch·outHeight·outWidth]` unfolded a block of columns at a time
    /// (1×1 stride-1 kernels read the input directly). The bias and the optional ReLU are applied to
    /// each block while it is still in cache, and the result goes to channels
    /// `channelOffset ..< channelOffset + outChannels` of `output` `[channels, batch, outHeight, outWidth]`,
    /// so parallel branches whose outputs are concatenated along channels (Inception blocks) write
    /// their parts in place. Weight layout and geometry are PyTorch's `Conv2d` (groups = 1).
    public static func channelMajorConv2d(_ input: Tensor, weight: Tensor, bias: [Float]?, geometry g: Convolution2DGeometry,
                                          rectified: Bool, into output: inout Tensor, channelOffset: Int = 0) {
        precondition(input.rank == 4 && weight.rank == 4 && weight.shape[1] == input.shape[0]
            && weight.shape[2] == g.kernelHeight && weight.shape[3] == g.kernelWidth,
            "channel-major conv2d: weight \(weight.shape) does not fit input \(input.shape)")
        let (inChannels, batch, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        precondition(output.rank == 4 && output.shape[1] == batch && output.shape[2] == outputHeight && output.shape[3] == outputWidth
            && channelOffset >= 0 && channelOffset + outChannels <= output.shape[0],
            "channel-major conv2d: output \(output.shape) cannot hold channels \(channelOffset)..<\(channelOffset + outChannels) of [\(batch), \(outputHeight), \(outputWidth)]")
        precondition(bias == nil || bias!.count == outChannels, "channel-major conv2d: \(bias!.count) biases for \(outChannels) channels")
        let patch = inChannels * g.kernelHeight * g.kernelWidth
        let columnCount = batch * outputHeight * outputWidth
        // Columns per block: the unfolded block and the output block stay within ~8 MB each.
        let blockColumns = Swift.min(columnCount, Swift.max(512, (1 << 21) / Swift.max(patch, outChannels)))
        let source = input.pointer, weights = weight.pointer
        var columns = [Float](repeating: 0, count: g.isPointwise ? 0 : patch * blockColumns)
        output.withUnsafeMutableBufferPointer { buffer in
            let result = buffer.baseAddress! + channelOffset * columnCount
            columns.withUnsafeMutableBufferPointer { columnBuffer in
                for start in stride(from: 0, to: columnCount, by: blockColumns) {
                    let count = Swift.min(blockColumns, columnCount - start)
                    let right: UnsafePointer<Float>, rightStride: Int
                    if g.isPointwise {
                        (right, rightStride) = (UnsafePointer(source + start), columnCount)
                    } else {
                        channelMajorColumns(source, channels: inChannels, batch: batch, height: height, width: width, geometry: g,
                                            outputHeight: outputHeight, outputWidth: outputWidth, start: start, count: count,
                                            columns: columnBuffer.baseAddress!)
                        (right, rightStride) = (UnsafePointer(columnBuffer.baseAddress!), count)
                    }
                    BLASThreads.shared {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(count), Int32(patch), 1,
                                    weights, Int32(patch), right, Int32(rightStride), 0, result + start, Int32(columnCount))
                    }
                    addBiasAndRectify(result + start, rows: outChannels, columns: count, rowStride: columnCount, bias: bias,
                                      rectified: rectified)
                }
            }
        }
    }

    /// `channelMajorConv2d` into a new `[outChannels, batch, outHeight, outWidth]` tensor.
    public static func channelMajorConv2d(_ input: Tensor, weight: Tensor, bias: [Float]?, geometry: Convolution2DGeometry,
                                          rectified: Bool) -> Tensor {
        let (outputHeight, outputWidth) = geometry.outputSize(height: input.shape[2], width: input.shape[3])
        var output = Tensor(shape: [weight.shape[0], input.shape[1], outputHeight, outputWidth]) { _ in }
        channelMajorConv2d(input, weight: weight, bias: bias, geometry: geometry, rectified: rectified, into: &output)
        return output
    }

    /// Unfolds columns `start ..< start + count` of the channel-major patch matrix: row
    /// (c, ki, kj), column (image, outRow, outColumn) holds input[c, image, outRow·s − p + ki·d,
    /// outColumn·s − p + kj·d], 0 outside the image.
    static func channelMajorColumns(_ source: UnsafePointer<Float>, channels: Int, batch: Int, height: Int, width: Int,
                                    geometry g: Convolution2DGeometry, outputHeight: Int, outputWidth: Int, start: Int, count: Int,
                                    columns: UnsafeMutablePointer<Float>) {
        let rows = channels * g.kernelHeight * g.kernelWidth
        let positions = outputHeight * outputWidth
        let columnRuns = g.columnRuns(width: width, outputWidth: outputWidth)
        ThreadPolicy.parallelFor(rows, workPerItem: count) { range in
            for patchRow in range {
                let kernelColumn = patchRow % g.kernelWidth
                let kernelRow = (patchRow / g.kernelWidth) % g.kernelHeight
                let channel = patchRow / (g.kernelWidth * g.kernelHeight)
                let target = columns + patchRow * count
                // Output columns whose input column is inside the image: first ..< last.
                let (offset, inImage) = columnRuns[kernelColumn]
                let (first, last) = (inImage.lowerBound, inImage.upperBound)
                // Walk the block one output row at a time, tracking (image, outRow, outColumn) without divisions.
                var image = start / positions
                var (outputRow, outputColumn) = (start % positions).quotientAndRemainder(dividingBy: outputWidth)
                var line = target
                let end = target + count
                while line < end {
                    let run = Swift.min(outputWidth - outputColumn, end - line)
                    let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                    if row < 0 || row >= height {
                        fill(line, count: run)
                    } else {
                        // Zeros left of the image, the samples inside it (a plain copy at stride 1), zeros right of it.
                        let inputRow = source + ((channel * batch + image) * height + row) * width + offset + outputColumn * g.strideWidth
                        let inside = Swift.min(Swift.max(first - outputColumn, 0), run)
                        let beyond = Swift.min(Swift.max(last - outputColumn, inside), run)
                        fill(line, count: inside)
                        if g.strideWidth == 1 {
                            copy(inputRow + inside, to: line + inside, count: beyond - inside)
                        } else {
                            for index in inside..<beyond { line[index] = inputRow[index * g.strideWidth] }
                        }
                        fill(line + beyond, count: run - beyond)
                    }
                    line += run
                    outputColumn = 0
                    outputRow += 1
                    if outputRow == outputHeight { (outputRow, image) = (0, image + 1) }
                }
            }
        }
    }

    /// Zeros `count` floats: a loop for the short runs of small maps, `memset` for long ones.
    @inline(__always)
    private static func fill(_ target: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 32 { target.initialize(repeating: 0, count: count) } else { for index in 0..<count { target[index] = 0 } }
    }

    /// Copies `count` floats: a loop for the short runs of small maps, `memcpy` for long ones.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 32 { target.update(from: source, count: count) } else { for index in 0..<count { target[index] = source[index] } }
    }

    /// y = max(y + b_row, 0) (or without the ReLU) over a block of rows.
    static func addBiasAndRectify(_ block: UnsafeMutablePointer<Float>, rows: Int, columns: Int, rowStride: Int, bias: [Float]?,
                                  rectified: Bool) {
        guard bias != nil || rectified else { return }
        bias.withOptionalBufferPointer { biases in
            ThreadPolicy.parallelFor(rows, workPerItem: columns) { range in
                for row in range {
                    let line = block + row * rowStride
                    let shift = biases?[row] ?? 0
                    if rectified {
                        for index in 0..<columns { line[index] = Swift.max(line[index] + shift, 0) }
                    } else {
                        for index in 0..<columns { line[index] += shift }
                    }
                }
            }
        }
    }
}

extension Optional where Wrapped == [Float] {
    /// The array's buffer, or nil.
    func withOptionalBufferPointer<Result>(_ body: (UnsafeBufferPointer<Float>?) -> Result) -> Result {
        switch self {
        case let .some(array): return array.withUnsafeBufferPointer { body($0) }
        case .none: return body(nil)
        }
    }
}
