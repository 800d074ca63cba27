/// A strided convolution rewritten as a stride-1 one by space-to-depth (the rearrangement of
/// Shi et al. 2016's sub-pixel layers, used in reverse): with stride s, every s×s block of the
/// padded input becomes s² channels, and the k×k kernel, padded with zeros to K·s × K·s
/// (K = ⌈k/s⌉), becomes a K×K kernel over in·s² channels:
///
///     x′[c·s² + a·s + b, i, j] = x_pad[c, i·s + a, j·s + b]
///     w′[o, c·s² + a·s + b, u, v] = w[o, c, u·s + a, v·s + b]   (0 where u·s + a ≥ k or v·s + b ≥ k)
///     y[o, p, q] = Σ_{c,u,v} w′[o, c, u, v] · x′[c, p + u, q + v]
///
/// AlexNet's first layer (11×11, stride 4, 3 channels) becomes a 3×3 convolution over 48 channels,
/// which Winograd's filtering computes without the 363-row im2col matrix. Same semantics as
/// PyTorch's `Conv2d` with square equal strides, no dilation and groups = 1.
public enum SpaceToDepthConvolution {
    /// Whether a convolution is the strided, undilated kind worth rewriting: equal strides s ≥ 2 and
    /// a kernel of more than 2s taps on each side, so the rewritten kernel is at least 3×3 (a 3×3
    /// stride-2 kernel would become a 2×2 one over 4× the channels: more products, not fewer).
    public static func fits(_ geometry: Convolution2DGeometry) -> Bool {
        geometry.strideHeight == geometry.strideWidth && geometry.strideHeight >= 2
            && geometry.dilationHeight == 1 && geometry.dilationWidth == 1
            && geometry.kernelHeight > 2 * geometry.strideHeight && geometry.kernelWidth > 2 * geometry.strideWidth
    }

    /// The stride-1 geometry of the rewritten convolution: a ⌈kh/s⌉ × ⌈kw/s⌉ kernel, no padding
    /// (the padding is applied by `channelMajorInput`).
    public static func rewrittenGeometry(_ geometry: Convolution2DGeometry) -> Convolution2DGeometry {
        let s = geometry.strideHeight
        return Convolution2DGeometry(kernel: ((geometry.kernelHeight + s - 1) / s, (geometry.kernelWidth + s - 1) / s))
    }

    /// w′ `[out, in·s², ⌈kh/s⌉, ⌈kw/s⌉]` of a PyTorch weight `[out, in, kh, kw]`.
    public static func kernel(_ weight: Tensor, geometry: Convolution2DGeometry) -> Tensor {
        precondition(fits(geometry) && weight.rank == 4 && weight.shape[2] == geometry.kernelHeight && weight.shape[3] == geometry.kernelWidth,
                     "space-to-depth: weight \(weight.shape) with geometry \(geometry)")
        let s = geometry.strideHeight
        let (outChannels, inChannels, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let rewritten = rewrittenGeometry(geometry)
        let (rows, columns) = (rewritten.kernelHeight, rewritten.kernelWidth)
        let source = weight.pointer
        return Tensor(shape: [outChannels, inChannels * s * s, rows, columns]) { buffer in  // [out, in·s², K, K]
            let target = buffer.baseAddress!
            for output in 0..<outChannels {
                for channel in 0..<inChannels {
                    let plane = source + (output * inChannels + channel) * kernelHeight * kernelWidth  // [kh, kw]
                    for a in 0..<s {
                        for b in 0..<s {
                            let tap = target + ((output * inChannels + channel) * s * s + a * s + b) * rows * columns  // [K, K]
                            for u in 0..<rows {
                                for v in 0..<columns {
                                    let (row, column) = (u * s + a, v * s + b)
                                    tap[u * columns + v] = row < kernelHeight && column < kernelWidth ? plane[row * kernelWidth + column] : 0
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// x′ `[in·s², batch, outHeight + K − 1, outWidth + K − 1]` of channel-major `input`
    /// `[in, batch, height, width]`: the padded input cut into s×s blocks, zeros outside it. The
    /// rewritten stride-1 convolution of x′ has exactly the original output size.
    public static func channelMajorInput(_ input: Tensor, geometry g: Convolution2DGeometry) -> Tensor {
        precondition(fits(g) && input.rank == 4, "space-to-depth: input \(input.shape) with geometry \(g)")
        let s = g.strideHeight
        let (channels, batch, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        let rewritten = rewrittenGeometry(g)
        let (rows, columns) = (outputHeight + rewritten.kernelHeight - 1, outputWidth + rewritten.kernelWidth - 1)
        let source = input.pointer
        return Tensor(shape: [channels * s * s, batch, rows, columns]) { buffer in  // [in·s², batch, rows, columns]
            let target = buffer.baseAddress!
            // Each input row is read once for its s phases b; within a phase, the columns j whose
            // source j·s + b − p lies inside the row are first ..< last, zeros on either side.
            let columnRanges = (0..<s).map { b -> (first: Int, last: Int) in
                let first = Swift.min(columns, Swift.max(0, (g.paddingWidth - b + s - 1) / s))
                let span = width - 1 + g.paddingWidth - b  // the last source column's j·s
                let last = span < 0 ? first : Swift.max(first, Swift.min(columns, span / s + 1))
                return (first, last)
            }
            ThreadPolicy.parallelFor(channels * s, workPerItem: batch * rows * columns * s) { range in
                for channelRow in range {
                    let (channel, a) = channelRow.quotientAndRemainder(dividingBy: s)
                    for image in 0..<batch {
                        let plane = source + (channel * batch + image) * height * width  // [height, width]
                        for b in 0..<s {
                            let result = target + ((channel * s * s + a * s + b) * batch + image) * rows * columns  // [rows, columns]
                            let (first, last) = columnRanges[b]
                            for i in 0..<rows {
                                let row = i * s + a - g.paddingHeight
                                let line = result + i * columns
                                guard row >= 0 && row < height else {
                                    line.initialize(repeating: 0, count: columns)
                                    continue
                                }
                                let inputLine = plane + row * width + b - g.paddingWidth
                                for j in 0..<first { line[j] = 0 }
                                for j in first..<last { line[j] = inputLine[j * s] }
                                for j in last..<columns { line[j] = 0 }
                            }
                        }
                    }
                }
            }
        }
    }
}
