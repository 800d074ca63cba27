import Tensor

extension Conv2d {
    /// act(conv(x) + b) of channel-major `input` `[in, batch, height, width]` without a tape →
    /// `[out, batch, height′, width′]`: through Winograd's F(m×m, r×r) when
    /// `WinogradTransform.forInference` offers one (3×3 and 5×5 stride-1 kernels; the transformed
    /// kernels are kept on the weight until it changes), else one im2col matrix product
    /// (`Tensor.channelMajorConv2d`). The two agree to rounding.
    public func inferChannelMajor(_ input: Tensor, rectified: Bool) -> Tensor {
        let biases = bias?.value.scalars
        guard groups == 1, let transform = WinogradTransform.forInference(geometry, inChannels: input.shape[0],
                                                                           height: input.shape[2], width: input.shape[3]) else {
            return Tensor.channelMajorConv2d(input, weight: weight.value, bias: biases, geometry: geometry, rectified: rectified)
        }
        let kernels = weight.derived("winograd F(\(transform.outputTile), \(transform.kernelSize))") {
            WinogradKernels(weight: $0, transform: transform)
        }
        return Tensor.channelMajorWinogradConv2d(input, kernels: kernels, bias: biases,
                                                 padding: (geometry.paddingHeight, geometry.paddingWidth), rectified: rectified)
    }
}
