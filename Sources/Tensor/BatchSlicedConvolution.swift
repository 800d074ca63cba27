import CBLAS
import Foundation

/// When a convolution runs as one slice of the batch per thread. A training step's convolutions are
/// many mid-sized products (64–256 channels over 16² or 32² maps, one image or a chunk of images
/// each); handing every one of them to OpenBLAS's threads costs a wake-up and a join per product
/// and leaves its workers spinning in `sched_yield` beside our own loops. Splitting the batch
/// instead gives each of our threads whole images: its own im2col, single-threaded products, its
/// own col2im, and one join per convolution (as oneDNN's direct convolutions split the batch).
/// Slices must hold at least `minimumColumnsPerSlice` output positions (images × positions), so the
/// deepest small maps, where the products are thin, stay on one product for the whole batch.
enum BatchSlicing {
    /// Fewest output columns (images × positions) one slice should hold.
    static let minimumColumnsPerSlice = 256

    /// Slices for a batch, or nil when the batch is better run as one (one thread, a batch smaller
    /// than the thread count, thin slices, or already inside a parallel region).
    static func sliceCount(batch: Int, positions: Int) -> Int? {
        let threads = ThreadPolicy.threadCount
        guard threads > 1, batch >= threads, !ThreadPolicy.isInsideParallelRegion,
              (batch / threads) * positions >= minimumColumnsPerSlice else { return nil }
        return threads
    }

    /// The images of slice `index` of `slices` over `batch`: contiguous, sizes differing by at most one.
    static func images(slice index: Int, of slices: Int, batch: Int) -> Range<Int> {
        (batch * index / slices)..<(batch * (index + 1) / slices)
    }
}

extension Tensor {
    /// `conv2d` (groups 1) with the batch cut into `slices` contiguous runs of images, each run on
    /// its own thread with single-threaded BLAS. Within a slice the images go through the same
    /// lowering as the serial path: one im2col + product per image on large maps, chunks of
    /// `ConvolutionChunking.imagesPerProduct` images per product on small ones. The bias is written
    /// before the product (BLAS β = 1) or added while the chunk is scattered, not in a pass of its own.
    static func batchSlicedConv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Convolution2DGeometry,
                                  slices: Int) -> Tensor {
        let (batch, inChannels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let (outputHeight, outputWidth) = g.outputSize(height: height, width: width)
        let patch = inChannels * g.kernelHeight * g.kernelWidth
        let positions = outputHeight * outputWidth
        let source = input.pointer, weights = weight.pointer, biases = bias?.pointer
        return Tensor(shape: [batch, outChannels, outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            BLASThreads.singleThreaded {
                ThreadPolicy.parallelFor(slices, workPerItem: ThreadPolicy.minimumParallelWork) { sliceRange in
                    for slice in sliceRange {
                        let images = BatchSlicing.images(slice: slice, of: slices, batch: batch)
                        if images.isEmpty { continue }
                        let chunk = ConvolutionChunking.imagesPerProduct(batch: images.count, positions: positions) ?? 1
                        let columnCount = chunk * positions
                        let readsInputDirectly = chunk == 1 && g.isPointwise
                        let columns = Tensor(shape: [readsInputDirectly ? 0 : patch * columnCount]) { _ in }
                        let products = Tensor(shape: [chunk == 1 ? 0 : outChannels * columnCount]) { _ in }
                        withExtendedLifetime((columns, products)) {
                            for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
                                let count = Swift.min(chunk, images.upperBound - first), used = count * positions
                                if !readsInputDirectly {
                                    unfoldChunk(input, images: first..<(first + count), geometry: g, outputHeight: outputHeight,
                                                outputWidth: outputWidth, into: columns.pointer)
                                }
                                let imageOffset = first * inChannels * height * width
                                let unfolded: UnsafePointer<Float> = UnsafePointer(columns.pointer)
                                let right: UnsafePointer<Float> = readsInputDirectly ? UnsafePointer(source + imageOffset) : unfolded
                                if chunk == 1 {
                                    let result = destination + first * outChannels * positions
                                    let beta: Float = biases == nil ? 0 : 1
                                    if let biases {
                                        for channel in 0..<outChannels {
                                            (result + channel * positions).update(repeating: biases[channel], count: positions)
                                        }
                                    }
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(positions), Int32(patch),
                                                1, weights, Int32(patch), right, Int32(positions), beta, result, Int32(positions))
                                } else {
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outChannels), Int32(used), Int32(patch),
                                                1, weights, Int32(patch), right, Int32(used), 0, products.pointer, Int32(used))
                                    moveChannelMajor(products.pointer, channels: outChannels, images: count, positions: positions,
                                                     imageMajor: destination + first * outChannels * positions, toImageMajor: true,
                                                     bias: biases)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `conv2dBackward` (groups 1) over `slices` contiguous runs of images, each on its own thread with
    /// single-threaded BLAS: per chunk of images with output gradient dY `[out, chunk·positions]` and
    /// patch matrix C, the slice's dW_s += dY·Cᵀ and dC = Wᵀ·dY folded into its images' dX by col2im;
    /// then dW = Σ_s dW_s (in slice order). The slices' dX regions are disjoint.
    static func batchSlicedConv2dBackward(input: Tensor, weight: Tensor, outputGradient: Tensor,
                                          geometry g: Convolution2DGeometry, slices: Int) -> (input: Tensor, weight: Tensor) {
        let (batch, inChannels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outChannels = weight.shape[0]
        let (outputHeight, outputWidth) = (outputGradient.shape[2], outputGradient.shape[3])
        let patch = inChannels * g.kernelHeight * g.kernelWidth
        let positions = outputHeight * outputWidth
        let imageSize = inChannels * height * width
        let weights = weight.pointer, gradient = outputGradient.pointer
        let weightCount = weight.count
        // Slice 0 accumulates straight into the result; the others into their own rows here.
        let partials = Tensor(shape: [Swift.max(slices - 1, 0), weightCount]) { _ in }  // [slices − 1, weight]
        var weightGradient = Tensor(shape: weight.shape) { _ in }
        let inputGradient = Tensor(shape: input.shape) { inputBuffer in
            let inputGradients = inputBuffer.baseAddress!
            weightGradient.withUnsafeMutableBufferPointer { weightBuffer in
                let resultWeights = weightBuffer.baseAddress!
                BLASThreads.singleThreaded {
                    ThreadPolicy.parallelFor(slices, workPerItem: ThreadPolicy.minimumParallelWork) { sliceRange in
                        for slice in sliceRange {
                            let sliceWeights = slice == 0 ? resultWeights : partials.pointer + (slice - 1) * weightCount
                            sliceWeights.update(repeating: 0, count: weightCount)
                            let images = BatchSlicing.images(slice: slice, of: slices, batch: batch)
                            if images.isEmpty { continue }
                            (inputGradients + images.lowerBound * imageSize).update(repeating: 0, count: images.count * imageSize)
                            let chunk = ConvolutionChunking.imagesPerProduct(batch: images.count, positions: positions) ?? 1
                            let columnCount = chunk * positions
                            let columns = Tensor(shape: [patch * columnCount]) { _ in }
                            let gathered = Tensor(shape: [chunk == 1 ? 0 : outChannels * columnCount]) { _ in }
                            withExtendedLifetime((columns, gathered)) {
                                for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
                                    let count = Swift.min(chunk, images.upperBound - first), used = count * positions
                                    unfoldChunk(input, images: first..<(first + count), geometry: g, outputHeight: outputHeight,
                                                outputWidth: outputWidth, into: columns.pointer)
                                    let outputGradients: UnsafePointer<Float>
                                    if chunk == 1 {
                                        outputGradients = UnsafePointer(gradient + first * outChannels * positions)
                                    } else {
                                        let block: UnsafeMutablePointer<Float> = gathered.pointer
                                        moveChannelMajor(block, channels: outChannels, images: count, positions: positions,
                                                         imageMajor: gradient + first * outChannels * positions, toImageMajor: false)
                                        outputGradients = UnsafePointer(block)
                                    }
                                    // dW_s += dY · Cᵀ
                                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(outChannels), Int32(patch), Int32(used), 1,
                                                outputGradients, Int32(used), columns.pointer, Int32(used), 1, sliceWeights, Int32(patch))
                                    // dC = Wᵀ · dY, folded back image by image
                                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(patch), Int32(used), Int32(outChannels), 1,
                                                weights, Int32(patch), outputGradients, Int32(used), 0, columns.pointer, Int32(used))
                                    for (index, image) in (first..<(first + count)).enumerated() {
                                        col2im(columns.pointer + index * positions, channels: inChannels, height: height, width: width,
                                               geometry: g, outputHeight: outputHeight, outputWidth: outputWidth,
                                               image: inputGradients + image * imageSize, rowStride: used)
                                    }
                                }
                            }
                        }
                    }
                }
                for slice in 1..<Swift.max(slices, 1) {
                    let partial = partials.pointer + (slice - 1) * weightCount
                    for index in 0..<weightCount { resultWeights[index] += partial[index] }
                }
            }
        }
        return (inputGradient, weightGradient)
    }
}
