import Foundation

/// How `Tensor.upsampled` reads the input grid (PyTorch's `F.interpolate` modes).
public enum UpsamplingMode: Equatable, Sendable {
    /// Output index o reads input ⌊o·s⌋ (clamped), s = in/out: `mode="nearest"`.
    case nearest
    /// Linear interpolation along each spatial axis. With `alignCorners` the corner pixels'
    /// centres coincide, source = o·(in − 1)/(out − 1); otherwise pixel areas align,
    /// source = max((o + ½)·in/out − ½, 0): `mode="bilinear"`.
    case bilinear(alignCorners: Bool)
    /// Linear interpolation with the top-left pixels aligned, source = min(o·in/out, in − 1):
    /// TensorFlow 1's `resize_bilinear` without half-pixel centres, the resize of the FID Inception
    /// graph (fid-helper-pytorch's and StyleGAN's `nv_bilinear`, a `grid_sample` with border padding).
    case bilinearTopLeftAligned
}

/// Where each output index of one spatial axis reads: two input indices and their weights.
struct InterpolationTaps {
    var low: [Int], high: [Int]
    var lowWeight: [Float], highWeight: [Float]

    /// The taps of `mode` for an axis resized from `input` to `output` samples. Scales and source
    /// positions are computed in Float as PyTorch does for Float32 tensors.
    init(input: Int, output: Int, mode: UpsamplingMode) {
        precondition(input > 0 && output > 0, "cannot resize an axis of \(input) samples to \(output)")
        low = [Int](repeating: 0, count: output)
        high = low
        lowWeight = [Float](repeating: 1, count: output)
        highWeight = [Float](repeating: 0, count: output)
        switch mode {
        case .nearest:
            let scale = Float(input) / Float(output)
            for index in 0..<output {
                low[index] = Swift.min(Int((Float(index) * scale).rounded(.down)), input - 1)
                high[index] = low[index]
            }
        case .bilinear(let alignCorners):
            let scale: Float = alignCorners ? (output > 1 ? Float(input - 1) / Float(output - 1) : 0) : Float(input) / Float(output)
            for index in 0..<output {
                let source = alignCorners ? scale * Float(index) : Swift.max(scale * (Float(index) + 0.5) - 0.5, 0)
                let first = Swift.min(Int(source), input - 1)
                let fraction = Swift.min(source - Float(first), 1)
                low[index] = first
                high[index] = first < input - 1 ? first + 1 : first
                lowWeight[index] = 1 - fraction
                highWeight[index] = fraction
            }
        case .bilinearTopLeftAligned:
            for index in 0..<output {
                // The exact o·in/out, rounded once to Float (PyTorch's affine grid differs by an ulp at most).
                let source = Float(Double(index) * Double(input) / Double(output))
                let first = Swift.min(Int(source), input - 1)
                let fraction = first == input - 1 ? 0 : source - Float(first)
                low[index] = first
                high[index] = first < input - 1 ? first + 1 : first
                lowWeight[index] = 1 - fraction
                highWeight[index] = fraction
            }
        }
    }
}

extension Tensor {
    /// Resizes the two spatial axes of `[batch, channels, height, width]` to `height × width`
    /// (PyTorch's `F.interpolate` for explicit sizes and for integer scale factors, where
    /// in/out equals 1/scale).
    public func upsampled(height outputHeight: Int, width outputWidth: Int, mode: UpsamplingMode) -> Tensor {
        precondition(rank == 4, "upsampling needs [batch, channels, height, width], got \(shape)")
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let rows = InterpolationTaps(input: height, output: outputHeight, mode: mode)
        let columns = InterpolationTaps(input: width, output: outputWidth, mode: mode)
        let source = pointer
        return Tensor(shape: [shape[0], shape[1], outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(planes, workPerItem: 4 * outputHeight * outputWidth) { range in
                for plane in range {
                    let inputPlane = source + plane * height * width
                    for outputRow in 0..<outputHeight {
                        let line = destination + (plane * outputHeight + outputRow) * outputWidth
                        let top = inputPlane + rows.low[outputRow] * width, bottom = inputPlane + rows.high[outputRow] * width
                        if mode == .nearest {
                            for column in 0..<outputWidth { line[column] = top[columns.low[column]] }
                            continue
                        }
                        let topWeight = rows.lowWeight[outputRow], bottomWeight = rows.highWeight[outputRow]
                        for column in 0..<outputWidth {
                            let left = columns.low[column], right = columns.high[column]
                            let leftWeight = columns.lowWeight[column], rightWeight = columns.highWeight[column]
                            line[column] = topWeight * (leftWeight * top[left] + rightWeight * top[right])
                                + bottomWeight * (leftWeight * bottom[left] + rightWeight * bottom[right])
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `upsampled`: each output gradient is added to the input samples it was read
    /// from, with the same weights. Returns `[batch, channels, height, width]` of `inputShape`.
    public static func upsampledBackward(outputGradient: Tensor, inputShape: [Int], mode: UpsamplingMode) -> Tensor {
        precondition(inputShape.count == 4 && outputGradient.rank == 4 && Array(outputGradient.shape.prefix(2)) == Array(inputShape.prefix(2)),
                     "upsampling gradient \(outputGradient.shape) does not fit input \(inputShape)")
        let (planes, height, width) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3])
        let (outputHeight, outputWidth) = (outputGradient.shape[2], outputGradient.shape[3])
        let rows = InterpolationTaps(input: height, output: outputHeight, mode: mode)
        let columns = InterpolationTaps(input: width, output: outputWidth, mode: mode)
        let gradient = outputGradient.pointer
        return Tensor(shape: inputShape) { result in
            let destination = result.baseAddress!
            ThreadPolicy.parallelFor(planes, workPerItem: 4 * outputHeight * outputWidth) { range in
                for plane in range {
                    let inputPlane = destination + plane * height * width
                    inputPlane.initialize(repeating: 0, count: height * width)
                    for outputRow in 0..<outputHeight {
                        let line = gradient + (plane * outputHeight + outputRow) * outputWidth
                        let top = inputPlane + rows.low[outputRow] * width, bottom = inputPlane + rows.high[outputRow] * width
                        if mode == .nearest {
                            for column in 0..<outputWidth { top[columns.low[column]] += line[column] }
                            continue
                        }
                        let topWeight = rows.lowWeight[outputRow], bottomWeight = rows.highWeight[outputRow]
                        for column in 0..<outputWidth {
                            let g = line[column]
                            let left = columns.low[column], right = columns.high[column]
                            let leftWeight = columns.lowWeight[column], rightWeight = columns.highWeight[column]
                            top[left] += topWeight * leftWeight * g
                            top[right] += topWeight * rightWeight * g
                            bottom[left] += bottomWeight * leftWeight * g
                            bottom[right] += bottomWeight * rightWeight * g
                        }
                    }
                }
            }
        }
    }
}
