import Autograd
import Tensor

/// Spatial upsampling of `[batch, channels, height, width]` by nearest-neighbour or bilinear
/// interpolation, as PyTorch's `nn.Upsample` / `F.interpolate` (the 2× steps of a StyleGAN
/// synthesis network or a U-Net decoder). No parameters.
public struct Upsample: Module {
    /// The output size: an integer factor of the input size, or a fixed size.
    public enum Size: Equatable, Sendable {
        case scale(Int)
        case fixed(height: Int, width: Int)
    }

    public let size: Size
    public let mode: UpsamplingMode

    public init(size: Size, mode: UpsamplingMode = .nearest) {
        if case .scale(let factor) = size { precondition(factor > 0, "upsampling factor must be positive, got \(factor)") }
        self.size = size
        self.mode = mode
    }


    /// `[batch, channels, height, width]` → `[batch, channels, height′, width′]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        switch size {
        case .scale(let factor): input.upsampled(scale: factor, mode: mode)
        case let .fixed(height, width): input.upsampled(height: height, width: width, mode: mode)
        }
    }
}
