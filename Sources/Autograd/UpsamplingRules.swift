import Tensor

extension Variable {
    /// Spatial resizing of `[batch, channels, height, width]` to `height × width` (see
    /// `Tensor.upsampled`); the gradient is the adjoint, each output gradient returned to the
    /// samples it was read from with the same weights.
    public func upsampled(height: Int, width: Int, mode: UpsamplingMode) -> Variable {
        let inputShape = shape
        return Variable(value.upsampled(height: height, width: width, mode: mode), operation: "upsample", inputs: [self]) { gradient in
            [Tensor.upsampledBackward(outputGradient: gradient, inputShape: inputShape, mode: mode)]
        }
    }

    /// Spatial resizing by an integer factor: `[b, c, h, w]` → `[b, c, h·scale, w·scale]`.
    public func upsampled(scale: Int, mode: UpsamplingMode) -> Variable {
        precondition(shape.count == 4 && scale > 0, "upsampling by \(scale) needs [batch, channels, height, width], got \(shape)")
        return upsampled(height: shape[2] * scale, width: shape[3] * scale, mode: mode)
    }
}
