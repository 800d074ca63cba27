import NN
import Tensor

// The FID Inception's inference path: a whole batch in channel-major layout `[channels, batch,
// height, width]`, every convolution one matrix product with its batch normalisation folded in
// (W′ = W·s, b′ = β − mean·s, s = 1/√(var + ε)) and ReLU fused, each branch writing its channels
// of the block's output in place (`Tensor.channelMajorConv2d`). Pooling windows are per plane, so
// the usual pooling kernels run unchanged on the channel-major planes. The `Variable` forward
// (`FIDInceptionV3.features`) stays the differentiable reference; the two agree to rounding.

extension InceptionConvolution {
    /// The convolution with the normalisation folded in.
    func folded() -> (weight: Tensor, bias: [Float]) {
        let weight = convolution.weight.value  // [out, in, kh, kw]
        let (mean, variance, beta) = (self.mean.value.scalars, self.variance.value.scalars, self.beta.value.scalars)
        let scales = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
        let perOutput = weight.count / weight.shape[0]
        let scaled = Tensor(shape: weight.shape) { output in
            for index in 0..<weight.count { output[index] = weight.pointer[index] * scales[index / perOutput] }
        }
        return (scaled, zip(beta, zip(mean, scales)).map { $0 - $1.0 * $1.1 })
    }

    /// relu(BN(conv(x))) of channel-major `input`, into channels `channelOffset…` of `output`:
    /// through Winograd's filtering when `WinogradTransform.forInference` offers it (the folded
    /// kernels transformed once and kept on the weight), else one im2col matrix product.
    func infer(_ input: Tensor, into output: inout Tensor, channelOffset: Int) {
        let geometry = convolution.geometry
        if let transform = WinogradTransform.forInference(geometry, inChannels: input.shape[0], height: input.shape[2], width: input.shape[3]) {
            let (kernels, bias) = foldedWinogradKernels(transform)
            Tensor.channelMajorWinogradConv2d(input, kernels: kernels, bias: bias, padding: (geometry.paddingHeight, geometry.paddingWidth),
                                              rectified: true, into: &output, channelOffset: channelOffset)
            return
        }
        let (weight, bias) = folded()
        Tensor.channelMajorConv2d(input, weight: weight, bias: bias, geometry: geometry, rectified: true,
                                  into: &output, channelOffset: channelOffset)
    }

    /// relu(BN(conv(x))) of channel-major `input`, `[out, batch, height′, width′]`.
    func infer(_ input: Tensor) -> Tensor {
        let (outputHeight, outputWidth) = convolution.geometry.outputSize(height: input.shape[2], width: input.shape[3])
        var output = Tensor(shape: [outputChannels, input.shape[1], outputHeight, outputWidth]) { _ in }
        infer(input, into: &output, channelOffset: 0)
        return output
    }

    /// The folded convolution's Winograd-domain kernels and bias, kept on the convolution weight
    /// with the normalisation statistics they fold in (recomputed, not kept, if those changed).
    func foldedWinogradKernels(_ transform: WinogradTransform) -> (kernels: WinogradKernels, bias: [Float]) {
        let statistics = [mean, variance, beta].flatMap { $0.value.scalars }
        let make = { () -> FoldedWinogradKernels in
            let (weight, bias) = folded()
            return FoldedWinogradKernels(statistics: statistics, kernels: WinogradKernels(weight: weight, transform: transform), bias: bias)
        }
        var entry = convolution.weight.derived("folded winograd F(\(transform.outputTile), \(transform.kernelSize))") { _ in make() }
        if entry.statistics != statistics { entry = make() }
        return (entry.kernels, entry.bias)
    }

    var outputChannels: Int { convolution.weight.value.shape[0] }
}

/// An Inception unit's folded kernels in Winograd's domain, with the statistics they were folded from.
struct FoldedWinogradKernels: Sendable {
    let statistics: [Float]
    let kernels: WinogradKernels
    let bias: [Float]
}

extension InceptionPooling {
    /// The pooling of channel-major planes.
    func infer(_ input: Tensor) -> Tensor {
        switch self {
        case .average3x3:
            return Tensor.averagePool2d(input, geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)), countIncludingPadding: false)
        case .max3x3:
            return Tensor.maxPool2d(input, geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)))
        case .max3x3Stride2:
            return Tensor.maxPool2d(input, geometry: Convolution2DGeometry(kernel: (3, 3), stride: (2, 2)))
        }
    }
}

extension InceptionTower {
    /// The tower on channel-major `input`, its last unit writing channels `channelOffset…` of `output`.
    func infer(_ input: Tensor, into output: inout Tensor, channelOffset: Int) {
        var hidden = pooling.map { $0.infer(input) } ?? input
        let units = self.units
        for unit in units.dropLast() { hidden = unit.infer(hidden) }
        units.last!.infer(hidden, into: &output, channelOffset: channelOffset)
    }

    var outputChannels: Int { units.last!.outputChannels }
}

extension Tensor {
    /// A channel-major block output `[channels, batch, height, width]` to be filled by its branches.
    static func channelMajorBlock(channels: Int, like input: Tensor, height: Int, width: Int) -> Tensor {
        Tensor(shape: [channels, input.shape[1], height, width]) { _ in }
    }

    /// Copies channel-major `part` `[channels, count, h, w]` into images `imageOffset…` of `self`
    /// `[channels, batch, h, w]`.
    mutating func place(_ part: Tensor, imageOffset: Int) {
        let (channels, count, plane) = (part.shape[0], part.shape[1], part.shape[2] * part.shape[3])
        precondition(shape[0] == channels && shape[2] * shape[3] == plane && imageOffset + count <= shape[1],
                     "cannot place \(part.shape) at image \(imageOffset) of \(shape)")
        let batch = shape[1]
        withUnsafeMutableBufferPointer { buffer in
            for channel in 0..<channels {
                (buffer.baseAddress! + (channel * batch + imageOffset) * plane).update(from: part.pointer + channel * count * plane, count: count * plane)
            }
        }
    }

    /// Copies channel-major `part` into channels `channelOffset…` of `self` (a concatenation in place).
    mutating func place(_ part: Tensor, channelOffset: Int) {
        let planeCount = part.count
        let start = channelOffset * part.shape[1] * part.shape[2] * part.shape[3]
        withUnsafeMutableBufferPointer { buffer in
            (buffer.baseAddress! + start).update(from: part.pointer, count: planeCount)
        }
    }
}

extension InceptionA {
    func infer(_ input: Tensor) -> Tensor {
        let (height, width) = (input.shape[2], input.shape[3])
        var output = Tensor.channelMajorBlock(channels: 224 + branchPool.outputChannels, like: input, height: height, width: width)
        branch1x1.infer(input, into: &output, channelOffset: 0)
        branch5x5.infer(input, into: &output, channelOffset: 64)
        branch3x3Double.infer(input, into: &output, channelOffset: 128)
        branchPool.infer(input, into: &output, channelOffset: 224)
        return output
    }
}

extension InceptionB {
    func infer(_ input: Tensor) -> Tensor {
        let pooled = InceptionPooling.max3x3Stride2.infer(input)  // [in, batch, h′, w′]
        var output = Tensor.channelMajorBlock(channels: 480 + input.shape[0], like: input, height: pooled.shape[2], width: pooled.shape[3])
        branch3x3.infer(input, into: &output, channelOffset: 0)
        branch3x3Double.infer(input, into: &output, channelOffset: 384)
        output.place(pooled, channelOffset: 480)
        return output
    }
}

extension InceptionC {
    func infer(_ input: Tensor) -> Tensor {
        var output = Tensor.channelMajorBlock(channels: 768, like: input, height: input.shape[2], width: input.shape[3])
        branch1x1.infer(input, into: &output, channelOffset: 0)
        branch7x7.infer(input, into: &output, channelOffset: 192)
        branch7x7Double.infer(input, into: &output, channelOffset: 384)
        branchPool.infer(input, into: &output, channelOffset: 576)
        return output
    }
}

extension InceptionD {
    func infer(_ input: Tensor) -> Tensor {
        let pooled = InceptionPooling.max3x3Stride2.infer(input)  // [768, batch, 8, 8]
        var output = Tensor.channelMajorBlock(channels: 512 + input.shape[0], like: input, height: pooled.shape[2], width: pooled.shape[3])
        branch3x3.infer(input, into: &output, channelOffset: 0)
        branch7x7x3.infer(input, into: &output, channelOffset: 320)
        output.place(pooled, channelOffset: 512)
        return output
    }
}

extension InceptionE {
    func infer(_ input: Tensor) -> Tensor {
        var output = Tensor.channelMajorBlock(channels: 2048, like: input, height: input.shape[2], width: input.shape[3])
        branch1x1.infer(input, into: &output, channelOffset: 0)
        let reduced = branch3x3.infer(input)                                         // [384, batch, 8, 8]
        branch3x3Row.infer(reduced, into: &output, channelOffset: 320)
        branch3x3Column.infer(reduced, into: &output, channelOffset: 704)
        let doubled = branch3x3Double.infer(branch3x3DoubleReduce.infer(input))      // [384, batch, 8, 8]
        branch3x3DoubleRow.infer(doubled, into: &output, channelOffset: 1088)
        branch3x3DoubleColumn.infer(doubled, into: &output, channelOffset: 1472)
        branchPool.infer(pooling.infer(input), into: &output, channelOffset: 1856)
        return output
    }
}

extension FIDInceptionV3 {
    /// Images per run of the stem.
    static let stemImages = 8

    /// Inference pool features of a batch without a tape, the whole batch at once in channel-major
    /// layout: `[batch, 3, 299, 299]` → `[batch, 2048]`.
    public func pooledFeatures(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == 3, "the FID Inception takes [batch, 3, height, width], got \(images.shape)")
        let batch = images.shape[0]
        // The stem's maps are the network's largest (64 × 147² floats per image): it runs a few
        // images at a time, so its buffers stay small enough to be reused rather than faulted in.
        var stemOutput: Tensor?
        for start in stride(from: 0, to: batch, by: Self.stemImages) {
            let count = Swift.min(Self.stemImages, batch - start)
            var part = images.slice(start..<(start + count)).permuted([1, 0, 2, 3])  // [3, count, 299, 299]
            part = stem3.infer(stem2.infer(stem1.infer(part)))                         // [64, count, 147, 147]
            part = InceptionPooling.max3x3Stride2.infer(part)                          // [64, count, 73, 73]
            part = stem5.infer(stem4.infer(part))                                      // [192, count, 71, 71]
            part = InceptionPooling.max3x3Stride2.infer(part)                          // [192, count, 35, 35]
            if stemOutput == nil { stemOutput = Tensor(shape: [part.shape[0], batch, part.shape[2], part.shape[3]]) { _ in } }
            stemOutput!.place(part, imageOffset: start)                                // [192, batch, 35, 35]
        }
        var hidden = stemOutput!
        hidden = mixed5d.infer(mixed5c.infer(mixed5b.infer(hidden)))      // [288, batch, 35, 35]
        hidden = mixed6a.infer(hidden)                                    // [768, batch, 17, 17]
        hidden = mixed6e.infer(mixed6d.infer(mixed6c.infer(mixed6b.infer(hidden))))  // [768, batch, 17, 17]
        hidden = mixed7a.infer(hidden)                                    // [1280, batch, 8, 8]
        hidden = mixed7c.infer(mixed7b.infer(hidden))                     // [2048, batch, 8, 8]
        precondition(hidden.shape[2] == 8 && hidden.shape[3] == 8, "the FID Inception's last map must be 8×8 (299×299 input), got \(hidden.shape)")
        let pooled = hidden.reshaped([Self.featureWidth, batch, 64]).mean(alongAxis: 2)  // [2048, batch]
        return pooled.transposed()                                        // [batch, 2048]
    }
}
