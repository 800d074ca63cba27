import Autograd
import NN
import Tensor

/// Halving the resolution with a stride-2 3×3 convolution (diffusers' `Downsample2D` with a
/// convolution, registered as `downsamplers.0`, parameters `conv.*`). The U-Net pads by 1 on every
/// side; the autoencoder's encoder pads only right and bottom (`padding = 0` there, then an
/// asymmetric (0, 1, 0, 1) pad), which shifts the sampling grid by half a pixel.
public struct Downsample2D: Module {
    public let asymmetricPadding: Bool
    @Key("conv") public var convolution: Conv2d

    public init(channels: Int, padding: Int) {
        asymmetricPadding = padding == 0
        convolution = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, stride: 2, padding: padding)
    }

    /// `[batch, channels, height, width]` → `[batch, channels, ⌈height/2⌉, ⌈width/2⌉]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        guard asymmetricPadding else { return convolution(input) }
        return convolution(input.padded(SpatialPadding(top: 0, bottom: 1, left: 0, right: 1)))
    }
}

/// Doubling the resolution: nearest-neighbour ×2 then a 3×3 convolution (diffusers' `Upsample2D`
/// with a convolution, registered as `upsamplers.0`, parameters `conv.*`).
public struct Upsample2D: Module {
    @Key("conv") public var convolution: Conv2d

    public init(channels: Int) {
        convolution = Conv2d(inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1)
    }

    /// `[batch, channels, height, width]` → `[batch, channels, 2·height, 2·width]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        convolution(input.upsampled(scale: 2, mode: .nearest))
    }
}
