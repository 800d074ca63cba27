import Tensor

extension Conv2d {
    /// act(conv(x) + b) of channel-major `input` `[in, batch, height, width]` without a tape →
    /// `[out, batch, height′, width′]`: through Winograd's F(m×m, r×r) when
    /// `WinogradTransform.forInference` offers one (3×3 and 5×5 stride-1 kernels; the transformed
    /// kernels are kept on the weight until it changes), else one im2col matrix product
    /// (`Tensor.channelMajorConv2d`). A strided kernel of more than twice its stride (AlexNet's
    /// 11×11 stride 4) is first rewritten as a stride-1 one over s² times the channels
    /// (`SpaceToDepthConvolution`), then takes the same choice. All agree to rounding.
    public func inferChannelMajor(_ input: Tensor, rectified: Bool) -> Tensor {
        let biases = bias?.value.scalars
        if groups == 1, SpaceToDepthConvolution.fits(geometry) {
            let rewritten = SpaceToDepthConvolution.rewrittenGeometry(geometry)
            let stride = geometry.strideHeight
            let depthInput = SpaceToDepthConvolution.channelMajorInput(input, geometry: geometry)  // [in·s², batch, h′ + K − 1, w′ + K − 1]
            if let transform = WinogradTransform.forInference(rewritten, inChannels: depthInput.shape[0],
                                                              height: depthInput.shape[2], width: depthInput.shape[3]) {
                let kernels = weight.derived("space-to-depth \(stride) winograd F(\(transform.outputTile), \(transform.kernelSize))") {
                    WinogradKernels(weight: SpaceToDepthConvolution.kernel($0, geometry: geometry), transform: transform)
                }
                return Tensor.channelMajorWinogradConv2d(depthInput, kernels: kernels, bias: biases, padding: (0, 0), rectified: rectified)
            }
            let kernel = weight.derived("space-to-depth \(stride)") { SpaceToDepthConvolution.kernel($0, geometry: geometry) }
            return Tensor.channelMajorConv2d(depthInput, weight: kernel, bias: biases, geometry: rewritten, rectified: rectified)
        }
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
