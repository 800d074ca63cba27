import Autograd
import NN
import Tensor

/// One level of the autoencoder's encoder (diffusers' `DownEncoderBlock2D`): ResNet blocks without
/// time conditioning, then an optional stride-2 downsampling padded only right and bottom.
/// Parameter names `resnets.<i>`, `downsamplers.0`.
public struct EncoderBlock: Module {
    @Key("resnets") public var resnets: [ResnetBlock2D]
    @Key("downsamplers") public var downsamplers: [Downsample2D]?

    public init(inChannels: Int, outChannels: Int, layers: Int, groups: Int, downsamples: Bool) {
        resnets = (0..<layers).map { index in
            ResnetBlock2D(inChannels: index == 0 ? inChannels : outChannels, outChannels: outChannels, timeEmbeddingWidth: nil,
                          groups: groups, epsilon: 1e-6)
        }
        downsamplers = downsamples ? [Downsample2D(channels: outChannels, padding: 0)] : nil
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        var hidden = resnets.reduce(input) { $1($0, activatedTimeEmbedding: nil) }
        if let downsampler = downsamplers?.first { hidden = downsampler(hidden) }
        return hidden
    }
}

/// One level of the autoencoder's decoder (diffusers' `UpDecoderBlock2D`): ResNet blocks, then an
/// optional nearest ×2 upsampling with a convolution. Parameter names `resnets.<i>`, `upsamplers.0`.
public struct DecoderBlock: Module {
    @Key("resnets") public var resnets: [ResnetBlock2D]
    @Key("upsamplers") public var upsamplers: [Upsample2D]?

    public init(inChannels: Int, outChannels: Int, layers: Int, groups: Int, upsamples: Bool) {
        resnets = (0..<layers).map { index in
            ResnetBlock2D(inChannels: index == 0 ? inChannels : outChannels, outChannels: outChannels, timeEmbeddingWidth: nil,
                          groups: groups, epsilon: 1e-6)
        }
        upsamplers = upsamples ? [Upsample2D(channels: outChannels)] : nil
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        var hidden = resnets.reduce(input) { $1($0, activatedTimeEmbedding: nil) }
        // The upsampler's convolution through the tape-free kernels when no tape is recorded (`Conv2d.inferring`).
        if let upsampler = upsamplers?.first { hidden = upsampler.convolution.inferring(hidden.upsampled(scale: 2, mode: .nearest)) }
        return hidden
    }
}

/// The autoencoder's bottleneck (diffusers' `UNetMidBlock2D` with attention): ResNet, then
/// (self-attention, ResNet) pairs. Parameter names `attentions.<i>`, `resnets.<i>`.
public struct AutoencoderMidBlock: Module {
    @Key("attentions") public var attentions: [SpatialSelfAttention]?
    @Key("resnets") public var resnets: [ResnetBlock2D]

    public init(channels: Int, groups: Int, attention: Bool) {
        attentions = attention ? [SpatialSelfAttention(channels: channels, groups: groups)] : nil
        resnets = (0..<2).map { _ in
            ResnetBlock2D(inChannels: channels, outChannels: channels, timeEmbeddingWidth: nil, groups: groups, epsilon: 1e-6)
        }
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        var hidden = resnets[0](input, activatedTimeEmbedding: nil)
        if let attention = attentions?.first { hidden = attention(hidden) }
        return resnets[1](hidden, activatedTimeEmbedding: nil)
    }
}
