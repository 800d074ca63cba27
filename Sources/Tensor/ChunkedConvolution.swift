/// How many images one convolution GEMM covers. Small feature maps (the deep stages of a ResNet at
/// 64×64: 4×4 or 2×2 positions) make one product per image a matrix with a handful of columns, and
/// every such product streams the whole weight matrix again; unfolding several images side by side
/// into one patch matrix `[inChannels·kh·kw, images·positions]` gives one product per chunk instead.
/// Maps of at least `targetColumns` positions keep one product per image.
enum ConvolutionChunking {
    /// Columns (images × positions) one chunk aims at.
    static let targetColumns = 1024

    /// Images per product, or nil when one image per product is already wide enough.
    static func imagesPerProduct(batch: Int, positions: Int) -> Int? {
        guard batch > 1, positions < targetColumns else { return nil }
        let images = min(batch, max(1, targetColumns / max(positions, 1)))
        return images > 1 ? images : nil
    }
}

extension Tensor {
    /// `conv2d` (groups 1, no bias) with `imagesPerProduct` images unfolded into one patch matrix per
    /// GEMM: Y_chunk = W·[columns(x₁) … columns(x_n)], then scattered back to `[batch, out, h′, w′]`.
    static func chunkedConv2d(_ input: Tensor, weight: Tensor, geometry g: Convolution2DGeometry,
                              imagesPerProduct: Int) -> Tensor {
        let (batch, inChannels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        let patch = inChannels * g.kernelHeight * g.kernelWidth
        let positions = outputHeight * outputWidth
        let columns = Tensor(shape: [patch, imagesPerProduct * positions]) { _ in }       // [patch, chunk·positions]
        let products = Tensor(shape: [outChannels, imagesPerProduct * positions]) { _ in }  // [out, chunk·positions]
        return Tensor(shape: [batch, outChannels, outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            for first in stride(from: 0, to: batch, by: imagesPerProduct) {
                let count = Swift.min(imagesPerProduct, batch - first), columnCount = count * positions
                unfoldChunk(input, images: first..<(first + count), geometry: g, outputHeight: outputHeight,
                            outputWidth: outputWidth, into: columns.pointer)
                sgemm(weight.pointer, columns.pointer, products.pointer, m: outChannels, n: columnCount, k: patch,
                      lda: patch, ldb: columnCount, transposeA: false, transposeB: false)
                moveChannelMajor(products.pointer, channels: outChannels, images: count, positions: positions,
                                 imageMajor: destination + first * outChannels * positions, toImageMajor: true)
            }
        }
    }

    /// `conv2dBackward` (groups 1) over chunks of `imagesPerProduct` images: with the chunk's output
    /// gradient gathered to `dY` `[out, chunk·positions]` and its patch matrix C,
    /// dW += dY·Cᵀ and dC = Wᵀ·dY, folded back into each image's dX by col2im.
    static func chunkedConv2dBackward(input: Tensor, weight: Tensor, outputGradient: Tensor, geometry g: Convolution2DGeometry,
                                      imagesPerProduct: Int) -> (input: Tensor, weight: Tensor) {
        let (batch, inChannels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let (outputHeight, outputWidth) = (outputGradient.shape[2], outputGradient.shape[3])
        let patch = inChannels * g.kernelHeight * g.kernelWidth
        let positions = outputHeight * outputWidth
        let columns = Tensor(shape: [patch, imagesPerProduct * positions]) { _ in }        // [patch, chunk·positions]
        let gradients = Tensor(shape: [outChannels, imagesPerProduct * positions]) { _ in }  // [out, chunk·positions]
        var inputGradient = Tensor(zeros: input.shape)
        var weightGradient = Tensor(zeros: weight.shape)
        inputGradient.withUnsafeMutableBufferPointer { inputBuffer in
            weightGradient.withUnsafeMutableBufferPointer { weightBuffer in
                for first in stride(from: 0, to: batch, by: imagesPerProduct) {
                    let count = Swift.min(imagesPerProduct, batch - first), columnCount = count * positions
                    unfoldChunk(input, images: first..<(first + count), geometry: g, outputHeight: outputHeight,
                                outputWidth: outputWidth, into: columns.pointer)
                    moveChannelMajor(gradients.pointer, channels: outChannels, images: count, positions: positions,
                                     imageMajor: outputGradient.pointer + first * outChannels * positions, toImageMajor: false)
                    // dW += dY · Cᵀ
                    sgemm(gradients.pointer, columns.pointer, weightBuffer.baseAddress!, m: outChannels, n: patch, k: columnCount,
                          lda: columnCount, ldb: columnCount, transposeA: false, transposeB: true, beta: 1)
                    // dC = Wᵀ · dY, folded back image by image
                    sgemm(weight.pointer, gradients.pointer, columns.pointer, m: patch, n: columnCount, k: outChannels,
                          lda: patch, ldb: columnCount, transposeA: true, transposeB: false)
                    for image in 0..<count {
                        col2im(columns.pointer + image * positions, channels: inChannels, height: height, width: width,
                               geometry: g, outputHeight: outputHeight, outputWidth: outputWidth,
                               image: inputBuffer.baseAddress! + (first + image) * inChannels * height * width,
                               rowStride: columnCount)
                    }
                }
            }
        }
        return (inputGradient, weightGradient)
    }

    /// The patch matrix of a chunk of images `[inChannels·kh·kw, images·positions]`: each image's
    /// im2col columns side by side, image `first + i` at columns `i·positions ..< (i + 1)·positions`.
    static func unfoldChunk(_ input: Tensor, images: Range<Int>, geometry g: Convolution2DGeometry,
                                    outputHeight: Int, outputWidth: Int, into columns: UnsafeMutablePointer<Float>) {
        let (inChannels, height, width) = (input.shape[1], input.shape[2], input.shape[3])
        let positions = outputHeight * outputWidth, columnCount = images.count * positions
        for (index, image) in images.enumerated() {
            im2col(input.pointer + image * inChannels * height * width, channels: inChannels,
                   height: height, width: width, geometry: g, outputHeight: outputHeight, outputWidth: outputWidth,
                   columns: columns + index * positions, rowStride: columnCount)
        }
    }

    /// Copies between a channel-major block `[channels, images·positions]` and image-major
    /// `[images, channels, positions]`, in the direction `toImageMajor` says; towards image-major,
    /// a per-channel `bias` is added on the way when given.
    static func moveChannelMajor(_ channelMajor: UnsafeMutablePointer<Float>, channels: Int, images: Int, positions: Int,
                                 imageMajor: UnsafeMutablePointer<Float>, toImageMajor: Bool,
                                 bias: UnsafePointer<Float>? = nil) {
        precondition(bias == nil || toImageMajor, "a bias is added only towards image-major")
        ThreadPolicy.parallelFor(channels, workPerItem: images * positions) { range in
            for channel in range {
                for image in 0..<images {
                    let packed = channelMajor + (channel * images + image) * positions
                    let planar = imageMajor + (image * channels + channel) * positions
                    if !toImageMajor {
                        packed.update(from: planar, count: positions)
                    } else if let bias {
                        let shift = bias[channel]
                        for index in 0..<positions { planar[index] = packed[index] + shift }
                    } else {
                        planar.update(from: packed, count: positions)
                    }
                }
            }
        }
    }
}
