import Autograd
import Checkpoint
import Foundation
import NN
import Tensor

/// The KL-regularised autoencoder of latent diffusion (Kingma & Welling 2014; Rombach et al. 2022,
/// §3; diffusers' `AutoencoderKL`): images in [−1, 1] are encoded to a diagonal Gaussian over
/// latents 2^(levels−1) times smaller, diffusion runs on z·s (s = `scalingFactor`), and the
/// decoder maps latents back to images:
///
///     encoder:  conv_in → levels of ResNet blocks (+ stride-2 downsampling) → mid block
///               (ResNet, self-attention, ResNet) → SiLU(GN) → conv_out → quant_conv → [μ; log σ²]
///     decoder:  post_quant_conv → conv_in → mid block → levels of ResNet blocks (+ ×2
///               upsampling) → SiLU(GN) → conv_out
///
/// Parameter names are diffusers' (`encoder.down_blocks.<i>.resnets.<j>.conv1`,
/// `encoder.mid_block.attentions.0.to_q`, `quant_conv`, `post_quant_conv`, `decoder.up_blocks.…`);
/// older folders that still use `query`/`key`/`value`/`proj_attn` in the mid block load through
/// `weightMapping`.
public struct AutoencoderKL: Module {
    public let configuration: AutoencoderKLConfiguration
    @Key("encoder") public var encoder: Encoder
    @Key("decoder") public var decoder: Decoder
    @Key("quant_conv") public var quantizationConvolution: Conv2d?
    @Key("post_quant_conv") public var postQuantizationConvolution: Conv2d?

    /// The encoder half. Parameter names `conv_in`, `down_blocks.<i>`, `mid_block`, `conv_norm_out`, `conv_out`.
    public struct Encoder: Module {
        @Key("conv_in") public var inputConvolution: Conv2d
        @Key("down_blocks") public var blocks: [EncoderBlock]
        @Key("mid_block") public var midBlock: AutoencoderMidBlock
        @Key("conv_norm_out") public var outputNorm: GroupNorm
        @Key("conv_out") public var outputConvolution: Conv2d

        init(_ c: AutoencoderKLConfiguration) {
            let widths = c.blockOutChannels
            inputConvolution = Conv2d(inChannels: c.inChannels, outChannels: widths[0], kernelSize: 3, padding: 1)
            blocks = widths.indices.map { level in
                EncoderBlock(inChannels: level == 0 ? widths[0] : widths[level - 1], outChannels: widths[level], layers: c.layersPerBlock,
                             groups: c.normGroups, downsamples: level < widths.count - 1)
            }
            midBlock = AutoencoderMidBlock(channels: widths[widths.count - 1], groups: c.normGroups, attention: c.midBlockAttention)
            outputNorm = GroupNorm(groups: c.normGroups, channels: widths[widths.count - 1], epsilon: 1e-6)
            outputConvolution = Conv2d(inChannels: widths[widths.count - 1], outChannels: 2 * c.latentChannels, kernelSize: 3, padding: 1)
        }

        /// Images `[batch, inChannels, height, width]` → moments `[batch, 2·latentChannels, h, w]`.
        public func callAsFunction(_ images: Variable) -> Variable {
            let features = blocks.reduce(inputConvolution(images)) { $1($0) }
            return outputConvolution(outputNorm(midBlock(features)).silu())
        }
    }

    /// The decoder half. Parameter names `conv_in`, `mid_block`, `up_blocks.<i>`, `conv_norm_out`, `conv_out`.
    public struct Decoder: Module {
        @Key("conv_in") public var inputConvolution: Conv2d
        @Key("mid_block") public var midBlock: AutoencoderMidBlock
        @Key("up_blocks") public var blocks: [DecoderBlock]
        @Key("conv_norm_out") public var outputNorm: GroupNorm
        @Key("conv_out") public var outputConvolution: Conv2d

        init(_ c: AutoencoderKLConfiguration) {
            let reversed = Array(c.blockOutChannels.reversed())
            inputConvolution = Conv2d(inChannels: c.latentChannels, outChannels: reversed[0], kernelSize: 3, padding: 1)
            midBlock = AutoencoderMidBlock(channels: reversed[0], groups: c.normGroups, attention: c.midBlockAttention)
            blocks = reversed.indices.map { level in
                DecoderBlock(inChannels: level == 0 ? reversed[0] : reversed[level - 1], outChannels: reversed[level],
                             layers: c.layersPerBlock + 1, groups: c.normGroups, upsamples: level < reversed.count - 1)
            }
            outputNorm = GroupNorm(groups: c.normGroups, channels: c.blockOutChannels[0], epsilon: 1e-6)
            outputConvolution = Conv2d(inChannels: c.blockOutChannels[0], outChannels: c.outChannels, kernelSize: 3, padding: 1)
        }

        /// Without a tape the convolutions take the channel-major inference kernels (`Conv2d.inferring`).
        /// Latents `[batch, latentChannels, h, w]` → images `[batch, outChannels, height, width]`.
        public func callAsFunction(_ latents: Variable) -> Variable {
            let features = blocks.reduce(midBlock(inputConvolution.inferring(latents))) { $1($0) }
            return outputConvolution.inferring(outputNorm(features).silu())
        }
    }

    /// An autoencoder of `configuration` with zero weights.
    public init(configuration: AutoencoderKLConfiguration) {
        self.configuration = configuration
        encoder = Encoder(configuration)
        decoder = Decoder(configuration)
        let moments = 2 * configuration.latentChannels
        quantizationConvolution = configuration.useQuantizationConvolution
            ? Conv2d(inChannels: moments, outChannels: moments, kernelSize: 1) : nil
        postQuantizationConvolution = configuration.usePostQuantizationConvolution
            ? Conv2d(inChannels: configuration.latentChannels, outChannels: configuration.latentChannels, kernelSize: 1) : nil
    }

    /// The posterior q(z | x) of images in [−1, 1] `[batch, inChannels, height, width]`.
    public func encode(_ images: Variable) -> DiagonalGaussian {
        let moments = encoder(images)
        return DiagonalGaussian(moments: quantizationConvolution.map { $0(moments) } ?? moments)
    }

    /// Images in about [−1, 1] from (unscaled) latents `[batch, latentChannels, h, w]`.
    public func decode(_ latents: Variable) -> Variable {
        decoder(postQuantizationConvolution.map { $0.inferring(latents) } ?? latents)
    }

    /// How diffusers' checkpoints map onto this model: folders saved before diffusers 0.14 name the
    /// mid-block attention `query`, `key`, `value`, `proj_attn`.
    public static let weightMapping = WeightMapping(renames: [
        KeyRule(#"(mid_block\.attentions\.\d+)\.query\."#, "$1.to_q."),
        KeyRule(#"(mid_block\.attentions\.\d+)\.key\."#, "$1.to_k."),
        KeyRule(#"(mid_block\.attentions\.\d+)\.value\."#, "$1.to_v."),
        KeyRule(#"(mid_block\.attentions\.\d+)\.proj_attn\."#, "$1.to_out.0."),
    ])
}

/// A diagonal Gaussian over latents, N(μ, diag(σ²)), from moments [μ; log σ²] stacked along the
/// channel axis (diffusers' `DiagonalGaussianDistribution`; log σ² clamped to [−30, 20]):
///
///     z = μ + σ ⊙ ε,   KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²)
public struct DiagonalGaussian {
    public let mean: Variable
    public let logVariance: Variable

    public init(moments: Variable) {
        let channels = moments.shape[1]
        precondition(moments.shape.count == 4 && channels % 2 == 0, "moments must be [batch, 2·channels, h, w], got \(moments.shape)")
        mean = moments.narrowed(alongAxis: 1, start: 0, length: channels / 2)
        let clamped = moments.value.narrowed(alongAxis: 1, start: channels / 2, length: channels / 2).clamped(-30, 20)
        logVariance = moments.requiresGradient
            ? moments.narrowed(alongAxis: 1, start: channels / 2, length: channels / 2)
            : Variable(clamped)
    }

    /// z = μ + exp(½ log σ²) ⊙ ε for standard-normal `noise` of the latent shape.
    public func sample(noise: Tensor) -> Variable {
        precondition(noise.shape == mean.shape, "noise \(noise.shape) does not match the latents \(mean.shape)")
        return mean + (logVariance * 0.5).exp() * Variable(noise)
    }
}
