import Autograd
import Tensor

extension Conv2d {
    /// conv(x) + b of batch-major `input` `[batch, in, height, width]` without a tape →
    /// `[batch, out, height′, width′]`: each image `[in, height, width]` is a channel-major batch
    /// of one (`[in, 1, height, width]`, the same memory), so it takes `inferChannelMajor`'s
    /// Winograd or blocked im2col route, whose working buffers stay a few MB at any map size
    /// (the training path's im2col of a 512×512 map with 128 channels alone is 1.2 GB). Agrees
    /// with `callAsFunction` to rounding.
    public func inferBatchMajor(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "Conv2d inference needs [batch, channels, height, width], got \(input.shape)")
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let image = { (index: Int) in  // [out, 1, height′, width′]
            self.inferChannelMajor(input[index].reshaped([channels, 1, height, width]), rectified: false)
        }
        let first = image(0)
        let outputShape = [batch, first.shape[0], first.shape[2], first.shape[3]]
        guard batch > 1 else { return first.reshaped(outputShape) }
        return Tensor(shape: outputShape) { buffer in  // [batch, out, height′, width′]
            buffer.baseAddress!.initialize(from: first.pointer, count: first.count)
            for index in 1..<batch {
                let result = image(index)
                (buffer.baseAddress! + index * result.count).initialize(from: result.pointer, count: result.count)
            }
        }
    }

    /// The layer's output, through `inferBatchMajor` when no tape is being recorded
    /// (`GradientMode.withoutGradients`) and the convolution is ungrouped, else `callAsFunction`.
    /// For inference-heavy callers (the autoencoder's decoder, the U-Net's blocks).
    public func inferring(_ input: Variable) -> Variable {
        guard GradientMode.isDisabled, groups == 1 else { return self(input) }
        return Variable(inferBatchMajor(input.value))
    }
}
