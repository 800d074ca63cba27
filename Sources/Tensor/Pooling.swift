extension Tensor {
    /// Max pooling over `[batch, channels, height, width]`; padded positions never win.
    /// Also returns, for every output, the flat index of the winning input within its plane.
    public static func maxPool2dWithIndices(_ input: Tensor, geometry g: Convolution2DGeometry) -> (output: Tensor, indices: [Int32]) {
        precondition(input.rank == 4, "maxPool2d needs [batch, channels, height, width], got \(input.shape)")
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        var indices = [Int32](repeating: 0, count: batch * channels * outputHeight * outputWidth)
        let source = input.pointer
        let output = indices.withUnsafeMutableBufferPointer { indexBuffer in
            let winners = indexBuffer.baseAddress!
            return Tensor(shape: [batch, channels, outputHeight, outputWidth]) { output in
                let destination = output.baseAddress!
                ThreadPolicy.parallelFor(batch * channels, workPerItem: outputHeight * outputWidth * g.kernelHeight * g.kernelWidth) { range in
                    for plane in range {
                        let inputPlane = source + plane * height * width
                        for outputRow in 0..<outputHeight {
                            for outputColumn in 0..<outputWidth {
                                var best = -Float.infinity, bestIndex = -1
                                for kernelRow in 0..<g.kernelHeight {
                                    let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                                    if row < 0 || row >= height { continue }
                                    for kernelColumn in 0..<g.kernelWidth {
                                        let column = outputColumn * g.strideWidth - g.paddingWidth + kernelColumn * g.dilationWidth
                                        if column < 0 || column >= width { continue }
                                        let value = inputPlane[row * width + column]
                                        if value > best || bestIndex < 0 || value.isNaN { best = value; bestIndex = row * width + column }
                                    }
                                }
                                let outputIndex = (plane * outputHeight + outputRow) * outputWidth + outputColumn
                                destination[outputIndex] = best
                                winners[outputIndex] = Int32(bestIndex)
                            }
                        }
                    }
                }
            }
        }
        return (output, indices)
    }

    /// Max pooling without the winners' indices (inference): the same maxima as
    /// `maxPool2dWithIndices`, each output row taking one window tap at a time over the run of
    /// columns that tap keeps inside the input, in the same row-major tap order (so ties between
    /// ±0 and NaNs resolve identically).
    public static func maxPool2d(_ input: Tensor, geometry g: Convolution2DGeometry) -> Tensor {
        precondition(input.rank == 4, "maxPool2d needs [batch, channels, height, width], got \(input.shape)")
        let (planes, height, width) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        let columnRuns = g.columnRuns(width: width, outputWidth: outputWidth)
        let source = input.pointer
        let lanes = unpaddedMaxPoolLanes(g)
        return Tensor(shape: [input.shape[0], input.shape[1], outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(planes, workPerItem: outputHeight * outputWidth * g.kernelHeight * g.kernelWidth) { range in
                if lanes {
                    unpaddedMaxPool(source, planes: range, height: height, width: width, geometry: g, end: source + input.count,
                                    into: destination)
                    return
                }
                for plane in range {
                    let inputPlane = source + plane * height * width
                    for outputRow in 0..<outputHeight {
                        let line = destination + (plane * outputHeight + outputRow) * outputWidth
                        line.initialize(repeating: -.infinity, count: outputWidth)
                        for kernelRow in 0..<g.kernelHeight {
                            let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                            if row < 0 || row >= height { continue }
                            let inputRow = inputPlane + row * width
                            for (offset, columns) in columnRuns {
                                if g.strideWidth == 1 {
                                    let shifted = inputRow + offset
                                    for column in columns {
                                        let value = shifted[column]
                                        line[column] = value > line[column] || value.isNaN ? value : line[column]
                                    }
                                } else {
                                    for column in columns {
                                        let value = inputRow[column * g.strideWidth + offset]
                                        line[column] = value > line[column] || value.isNaN ? value : line[column]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether `maxPool2d` takes `unpaddedMaxPool`: no padding, no dilation, a stride of at most 16.
    static func unpaddedMaxPoolLanes(_ g: Convolution2DGeometry) -> Bool {
        g.paddingHeight == 0 && g.paddingWidth == 0 && g.dilationHeight == 1 && g.dilationWidth == 1 && g.strideWidth <= 16
    }

    /// `maxPool2d` of unpadded, undilated windows over `planes`, sixteen input columns at a time:
    /// lane l of tap (i, j) holds x[row·s_h + i, first·s_w + l + j], so after the taps in the same
    /// row-major order (the same comparisons, hence the same ±0 and NaN winners) lane q·s_w holds
    /// output column first + q. A run whose vectors would read past `end` takes the scalar loop.
    private static func unpaddedMaxPool(_ source: UnsafePointer<Float>, planes: Range<Int>, height: Int, width: Int,
                                        geometry g: Convolution2DGeometry, end: UnsafePointer<Float>,
                                        into destination: UnsafeMutablePointer<Float>) {
        typealias Lanes = SIMD16<Float>
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        let perRun = (Lanes.scalarCount - 1) / g.strideWidth + 1  // output columns per vector run
        for plane in planes {
            let inputPlane = source + plane * height * width
            for outputRow in 0..<outputHeight {
                let line = destination + (plane * outputHeight + outputRow) * outputWidth
                let top = inputPlane + outputRow * g.strideHeight * width
                for first in stride(from: 0, to: outputWidth, by: perRun) {
                    let count = Swift.min(perRun, outputWidth - first)
                    let corner = top + first * g.strideWidth  // the run's first window's top-left tap
                    if corner + (g.kernelHeight - 1) * width + g.kernelWidth - 1 + Lanes.scalarCount <= end {
                        var best = Lanes(repeating: -.infinity)
                        for kernelRow in 0..<g.kernelHeight {
                            for kernelColumn in 0..<g.kernelWidth {
                                let value = UnsafeRawPointer(corner + kernelRow * width + kernelColumn).loadUnaligned(as: Lanes.self)
                                best.replace(with: value, where: (value .> best) .| (value .!= value))
                            }
                        }
                        for column in 0..<count { line[first + column] = best[column * g.strideWidth] }
                    } else {
                        for column in 0..<count {
                            var best = -Float.infinity
                            for kernelRow in 0..<g.kernelHeight {
                                for kernelColumn in 0..<g.kernelWidth {
                                    let value = corner[kernelRow * width + column * g.strideWidth + kernelColumn]
                                    best = value > best || value.isNaN ? value : best
                                }
                            }
                            line[first + column] = best
                        }
                    }
                }
            }
        }
    }

    /// Routes each output gradient to the input position that won the max.
    public static func maxPool2dBackward(outputGradient: Tensor, indices: [Int32], inputShape: [Int]) -> Tensor {
        let planeSize = inputShape[2] * inputShape[3]
        let outputPlane = outputGradient.shape[2] * outputGradient.shape[3]
        var result = Tensor(zeros: inputShape)
        let gradient = outputGradient.pointer
        result.withUnsafeMutableBufferPointer { buffer in
            for outputIndex in 0..<outputGradient.count {
                let plane = outputIndex / outputPlane
                buffer[plane * planeSize + Int(indices[outputIndex])] += gradient[outputIndex]
            }
        }
        return result
    }

    /// Average pooling as PyTorch's `AvgPool2d`; with `countIncludingPadding` the divisor is the
    /// full window, otherwise only the positions inside the input.
    public static func averagePool2d(_ input: Tensor, geometry g: Convolution2DGeometry,
                                     countIncludingPadding: Bool = true) -> Tensor {
        precondition(input.rank == 4, "averagePool2d needs [batch, channels, height, width], got \(input.shape)")
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        // The window ignores dilation (as `averagingWindow` does); each output row sums one tap at a
        // time over the run of columns that tap keeps inside the input, in row-major tap order.
        var undilated = g
        (undilated.dilationHeight, undilated.dilationWidth) = (1, 1)
        let columnRuns = undilated.columnRuns(width: width, outputWidth: outputWidth)
        let divisors: [Float] = (0..<(outputHeight * outputWidth)).map { position in
            averagingWindow(g, height: height, width: width, outputRow: position / outputWidth, outputColumn: position % outputWidth,
                            countIncludingPadding: countIncludingPadding).divisor
        }
        let source = input.pointer
        return Tensor(shape: [batch, channels, outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(batch * channels, workPerItem: outputHeight * outputWidth * g.kernelHeight * g.kernelWidth) { range in
                divisors.withUnsafeBufferPointer { divisors in
                    for plane in range {
                        let inputPlane = source + plane * height * width
                        for outputRow in 0..<outputHeight {
                            let line = destination + (plane * outputHeight + outputRow) * outputWidth
                            line.initialize(repeating: 0, count: outputWidth)
                            for kernelRow in 0..<g.kernelHeight {
                                let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow
                                if row < 0 || row >= height { continue }
                                let inputRow = inputPlane + row * width
                                for (offset, columns) in columnRuns {
                                    if g.strideWidth == 1 {
                                        let shifted = inputRow + offset
                                        for column in columns { line[column] += shifted[column] }
                                    } else {
                                        for column in columns { line[column] += inputRow[column * g.strideWidth + offset] }
                                    }
                                }
                            }
                            let rowDivisors = divisors.baseAddress! + outputRow * outputWidth
                            for column in 0..<outputWidth { line[column] /= rowDivisors[column] }
                        }
                    }
                }
            }
        }
    }

    /// Spreads each output gradient evenly over its averaging window.
    public static func averagePool2dBackward(outputGradient: Tensor, inputShape: [Int], geometry g: Convolution2DGeometry,
                                             countIncludingPadding: Bool = true) -> Tensor {
        let (height, width) = (inputShape[2], inputShape[3])
        let (outputHeight, outputWidth) = (outputGradient.shape[2], outputGradient.shape[3])
        var result = Tensor(zeros: inputShape)
        let gradient = outputGradient.pointer
        result.withUnsafeMutableBufferPointer { buffer in
            for plane in 0..<(inputShape[0] * inputShape[1]) {
                let inputPlane = buffer.baseAddress! + plane * height * width
                for outputRow in 0..<outputHeight {
                    for outputColumn in 0..<outputWidth {
                        let window = averagingWindow(g, height: height, width: width, outputRow: outputRow,
                                                     outputColumn: outputColumn, countIncludingPadding: countIncludingPadding)
                        let share = gradient[(plane * outputHeight + outputRow) * outputWidth + outputColumn] / window.divisor
                        for row in window.rows { for column in window.columns { inputPlane[row * width + column] += share } }
                    }
                }
            }
        }
        return result
    }

    /// The in-bounds rows and columns of one averaging window and its divisor.
    static func averagingWindow(_ g: Convolution2DGeometry, height: Int, width: Int, outputRow: Int, outputColumn: Int,
                                countIncludingPadding: Bool) -> (rows: Range<Int>, columns: Range<Int>, divisor: Float) {
        let rowStart = outputRow * g.strideHeight - g.paddingHeight
        let columnStart = outputColumn * g.strideWidth - g.paddingWidth
        let rowEnd = Swift.min(rowStart + g.kernelHeight, height + g.paddingHeight)
        let columnEnd = Swift.min(columnStart + g.kernelWidth, width + g.paddingWidth)
        let paddedCount = (rowEnd - rowStart) * (columnEnd - columnStart)
        let rows = Swift.max(rowStart, 0)..<Swift.min(rowEnd, height)
        let columns = Swift.max(columnStart, 0)..<Swift.min(columnEnd, width)
        let divisor = countIncludingPadding ? paddedCount : rows.count * columns.count
        return (rows, columns, Float(Swift.max(divisor, 1)))
    }

    /// Mean over the spatial axes: `[batch, channels, height, width]` → `[batch, channels]`.
    public func globalAveragePool() -> Tensor {
        precondition(rank == 4, "globalAveragePool needs [batch, channels, height, width], got \(shape)")
        return reshaped([shape[0], shape[1], shape[2] * shape[3]]).mean(alongAxis: 2)
    }
}
