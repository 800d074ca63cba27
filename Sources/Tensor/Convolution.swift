/// Geometry of a 2-D convolution or pooling window over `[batch, channels, height, width]`.
public struct Convolution2DGeometry: Equatable, Sendable {
    public var kernelHeight: Int, kernelWidth: Int
    public var strideHeight: Int, strideWidth: Int
    public var paddingHeight: Int, paddingWidth: Int
    public var dilationHeight: Int, dilationWidth: Int

    public init(kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                dilation: (Int, Int) = (1, 1)) {
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (paddingHeight, paddingWidth) = padding
        (dilationHeight, dilationWidth) = dilation
        precondition(kernelHeight > 0 && kernelWidth > 0 && strideHeight > 0 && strideWidth > 0
            && paddingHeight >= 0 && paddingWidth >= 0 && dilationHeight > 0 && dilationWidth > 0,
            "invalid convolution geometry \(self)")
    }

    /// ⌊(size + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1 for each spatial axis.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let outputHeight = (height + 2 * paddingHeight - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1
        let outputWidth = (width + 2 * paddingWidth - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1
        precondition(outputHeight > 0 && outputWidth > 0, "window \(self) does not fit a \(height)×\(width) input")
        return (outputHeight, outputWidth)
    }

    /// For each kernel column: the input column offset kj·d − p of the window's tap and the output
    /// columns whose tap falls inside an input row of `width` (input column = o·s + offset), so loops
    /// over a window's taps run without bounds tests.
    func columnRuns(width: Int, outputWidth: Int) -> [(offset: Int, outputColumns: Range<Int>)] {
        (0..<kernelWidth).map { kernelColumn in
            let offset = kernelColumn * dilationWidth - paddingWidth
            let first = offset >= 0 ? 0 : Swift.min(outputWidth, (-offset + strideWidth - 1) / strideWidth)
            let last = width - 1 - offset < 0 ? first : Swift.max(first, Swift.min(outputWidth, (width - 1 - offset) / strideWidth + 1))
            return (offset, first..<last)
        }
    }

    /// True when the window is a plain 1×1 stride-1 unpadded kernel (a matrix product).
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && paddingHeight == 0 && paddingWidth == 0
    }
}

extension Tensor {
    /// 2-D cross-correlation as in PyTorch's `Conv2d`: input `[batch, inChannels, height, width]`,
    /// weight `[outChannels, inChannels/groups, kernelHeight, kernelWidth]`, optional bias
    /// `[outChannels]`. Lowered to im2col + one GEMM per image and group; depthwise convolutions
    /// (groups = inChannels = outChannels) run a direct loop instead. A batch large enough to
    /// share out runs one slice of images per thread (`BatchSlicing`, `batchSlicedConv2d`).
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry: Convolution2DGeometry,
                              groups: Int = 1) -> Tensor {
        precondition(input.rank == 4 && weight.rank == 4, "conv2d needs 4-D input and weight, got \(input.shape), \(weight.shape)")
        let (batch, inChannels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0
            && weight.shape[1] == inChannels / groups
            && weight.shape[2] == geometry.kernelHeight && weight.shape[3] == geometry.kernelWidth,
            "conv2d weight \(weight.shape) does not fit input \(input.shape) with \(groups) groups")
        let (outputHeight, outputWidth) = geometry.outputSize(height: height, width: width)
        if groups == inChannels && outChannels == inChannels {
            return depthwiseConv2d(input, weight: weight, bias: bias, geometry: geometry)
        }
        let groupIn = inChannels / groups, groupOut = outChannels / groups
        let patch = groupIn * geometry.kernelHeight * geometry.kernelWidth
        let positions = outputHeight * outputWidth
        if groups == 1, let slices = BatchSlicing.sliceCount(batch: batch, positions: positions) {
            return batchSlicedConv2d(input, weight: weight, bias: bias, geometry: geometry, slices: slices)
        }
        if groups == 1, let chunk = ConvolutionChunking.imagesPerProduct(batch: batch, positions: positions) {
            let output = chunkedConv2d(input, weight: weight, geometry: geometry, imagesPerProduct: chunk)
            guard let bias else { return output }
            return output.channelAffine(scale: [Float](repeating: 1, count: outChannels), shift: bias.scalars)
        }
        let output = Tensor(shape: [batch, outChannels, outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            var columns = [Float](repeating: 0, count: geometry.isPointwise ? 0 : patch * positions)
            for image in 0..<batch {
                for group in 0..<groups {
                    let source = input.pointer + (image * inChannels + group * groupIn) * height * width
                    let weights = weight.pointer + group * groupOut * patch
                    let result = destination + (image * outChannels + group * groupOut) * positions
                    if geometry.isPointwise {
                        sgemm(weights, source, result, m: groupOut, n: positions, k: patch,
                              lda: patch, ldb: positions, transposeA: false, transposeB: false)
                    } else {
                        columns.withUnsafeMutableBufferPointer { buffer in
                            im2col(source, channels: groupIn, height: height, width: width, geometry: geometry,
                                   outputHeight: outputHeight, outputWidth: outputWidth, columns: buffer.baseAddress!)
                            sgemm(weights, buffer.baseAddress!, result, m: groupOut, n: positions, k: patch,
                                  lda: patch, ldb: positions, transposeA: false, transposeB: false)
                        }
                    }
                }
            }
        }
        guard let bias else { return output }
        return output.channelAffine(scale: [Float](repeating: 1, count: outChannels), shift: bias.scalars)
    }

    /// Depthwise convolution: each channel is filtered by its own kernel. Each output row
    /// accumulates one kernel tap at a time over the run of columns that tap keeps inside the image
    /// (a contiguous multiply-add when the stride is 1), so the inner loop has no bounds tests;
    /// every output still sums bias + taps in row-major kernel order.
    static func depthwiseConv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Convolution2DGeometry) -> Tensor {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        let source = input.pointer, kernels = weight.pointer, biases = bias?.pointer
        let kernelSize = g.kernelHeight * g.kernelWidth
        let columnRuns = g.columnRuns(width: width, outputWidth: outputWidth)
        return Tensor(shape: [batch, channels, outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(batch * channels, workPerItem: outputHeight * outputWidth * kernelSize) { range in
                for plane in range {
                    let channel = plane % channels
                    let inputPlane = source + plane * height * width
                    let kernel = kernels + channel * kernelSize
                    let outputPlane = destination + plane * outputHeight * outputWidth
                    let initial = biases?[channel] ?? 0
                    for outputRow in 0..<outputHeight {
                        let line = outputPlane + outputRow * outputWidth
                        line.initialize(repeating: initial, count: outputWidth)
                        for kernelRow in 0..<g.kernelHeight {
                            let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                            if row < 0 || row >= height { continue }
                            let inputRow = inputPlane + row * width
                            for kernelColumn in 0..<g.kernelWidth {
                                let tap = kernel[kernelRow * g.kernelWidth + kernelColumn]
                                let (offset, columns) = columnRuns[kernelColumn]
                                if g.strideWidth == 1 {
                                    let shifted = inputRow + offset
                                    for column in columns { line[column] += tap * shifted[column] }
                                } else {
                                    let stride = g.strideWidth
                                    for column in columns { line[column] += tap * inputRow[column * stride + offset] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Unfolds `[channels, height, width]` into `[channels·kh·kw, outputHeight·outputWidth]` patch
    /// columns; consecutive patch rows lie `rowStride` floats apart (default: packed). Each output
    /// row copies the run of columns its tap keeps inside the image (`columnRuns`, a plain copy at
    /// stride 1) and zeroes the padded ends, so the inner loop has no bounds tests.
    static func im2col(_ source: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                       geometry g: Convolution2DGeometry, outputHeight: Int, outputWidth: Int,
                       columns: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        let positions = outputHeight * outputWidth
        let stride = rowStride ?? positions
        let rows = channels * g.kernelHeight * g.kernelWidth
        let columnRuns = g.columnRuns(width: width, outputWidth: outputWidth)
        ThreadPolicy.parallelFor(rows, workPerItem: positions) { range in
            for patchRow in range {
                let kernelColumn = patchRow % g.kernelWidth
                let kernelRow = (patchRow / g.kernelWidth) % g.kernelHeight
                let channel = patchRow / (g.kernelWidth * g.kernelHeight)
                let plane = source + channel * height * width
                let target = columns + patchRow * stride
                let (offset, run) = columnRuns[kernelColumn]
                for outputRow in 0..<outputHeight {
                    let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                    let line = target + outputRow * outputWidth
                    if row < 0 || row >= height || run.isEmpty {
                        line.initialize(repeating: 0, count: outputWidth)
                        continue
                    }
                    if run.lowerBound > 0 { line.initialize(repeating: 0, count: run.lowerBound) }
                    let inputRow = plane + row * width + offset
                    if g.strideWidth == 1 {
                        (line + run.lowerBound).update(from: inputRow + run.lowerBound, count: run.count)
                    } else {
                        let step = g.strideWidth
                        for outputColumn in run { line[outputColumn] = inputRow[outputColumn * step] }
                    }
                    if run.upperBound < outputWidth {
                        (line + run.upperBound).initialize(repeating: 0, count: outputWidth - run.upperBound)
                    }
                }
            }
        }
    }

    /// Folds patch columns back, summing overlaps (the adjoint of `im2col`) into `image`;
    /// consecutive patch rows lie `rowStride` floats apart (default: packed). Each tap adds only the
    /// run of columns inside the image (`columnRuns`), in the same order as a bounds-tested loop.
    static func col2im(_ columns: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                       geometry g: Convolution2DGeometry, outputHeight: Int, outputWidth: Int,
                       image: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        let positions = outputHeight * outputWidth
        let stride = rowStride ?? positions
        let columnRuns = g.columnRuns(width: width, outputWidth: outputWidth)
        ThreadPolicy.parallelFor(channels, workPerItem: g.kernelHeight * g.kernelWidth * positions) { range in
            for channel in range {
                let plane = image + channel * height * width
                for kernelRow in 0..<g.kernelHeight {
                    for kernelColumn in 0..<g.kernelWidth {
                        let patchRow = (channel * g.kernelHeight + kernelRow) * g.kernelWidth + kernelColumn
                        let source = columns + patchRow * stride
                        let (offset, run) = columnRuns[kernelColumn]
                        if run.isEmpty { continue }
                        for outputRow in 0..<outputHeight {
                            let row = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                            if row < 0 || row >= height { continue }
                            let imageRow = plane + row * width + offset
                            let sourceRow = source + outputRow * outputWidth
                            if g.strideWidth == 1 {
                                for outputColumn in run { imageRow[outputColumn] += sourceRow[outputColumn] }
                            } else {
                                let step = g.strideWidth
                                for outputColumn in run { imageRow[outputColumn * step] += sourceRow[outputColumn] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Gradients of `conv2d` with respect to its input and weight, given the output gradient.
    public static func conv2dBackward(input: Tensor, weight: Tensor, outputGradient: Tensor,
                                      geometry g: Convolution2DGeometry, groups: Int = 1)
        -> (input: Tensor, weight: Tensor) {
        let (batch, inChannels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let (outputHeight, outputWidth) = (outputGradient.shape[2], outputGradient.shape[3])
        let groupIn = inChannels / groups, groupOut = outChannels / groups
        let patch = groupIn * g.kernelHeight * g.kernelWidth
        let positions = outputHeight * outputWidth
        if groups == 1, let slices = BatchSlicing.sliceCount(batch: batch, positions: positions) {
            return batchSlicedConv2dBackward(input: input, weight: weight, outputGradient: outputGradient, geometry: g,
                                             slices: slices)
        }
        if groups == 1, let chunk = ConvolutionChunking.imagesPerProduct(batch: batch, positions: positions) {
            return chunkedConv2dBackward(input: input, weight: weight, outputGradient: outputGradient, geometry: g,
                                         imagesPerProduct: chunk)
        }
        var inputGradient = Tensor(zeros: input.shape)
        var weightGradient = Tensor(zeros: weight.shape)
        var columns = [Float](repeating: 0, count: patch * positions)
        inputGradient.withUnsafeMutableBufferPointer { inputBuffer in
            weightGradient.withUnsafeMutableBufferPointer { weightBuffer in
                columns.withUnsafeMutableBufferPointer { columnBuffer in
                    for image in 0..<batch {
                        for group in 0..<groups {
                            let inputOffset = (image * inChannels + group * groupIn) * height * width
                            let gradient = outputGradient.pointer + (image * outChannels + group * groupOut) * positions
                            let weights = weight.pointer + group * groupOut * patch
                            // dW[group] += dY · columnsᵀ
                            im2col(input.pointer + inputOffset, channels: groupIn, height: height, width: width,
                                   geometry: g, outputHeight: outputHeight, outputWidth: outputWidth,
                                   columns: columnBuffer.baseAddress!)
                            sgemm(gradient, columnBuffer.baseAddress!, weightBuffer.baseAddress! + group * groupOut * patch,
                                  m: groupOut, n: patch, k: positions, lda: positions, ldb: positions,
                                  transposeA: false, transposeB: true, beta: 1)
                            // dColumns = W[group]ᵀ · dY, folded back into dX
                            sgemm(weights, gradient, columnBuffer.baseAddress!, m: patch, n: positions, k: groupOut,
                                  lda: patch, ldb: positions, transposeA: true, transposeB: false)
                            col2im(columnBuffer.baseAddress!, channels: groupIn, height: height, width: width,
                                   geometry: g, outputHeight: outputHeight, outputWidth: outputWidth,
                                   image: inputBuffer.baseAddress! + inputOffset)
                        }
                    }
                }
            }
        }
        return (inputGradient, weightGradient)
    }
}
