import Autograd
import NN
import Tensor

/// The residual block of diffusion U-Nets and their autoencoders (Ho et al. 2020 after He et al.
/// 2016; diffusers' `ResnetBlock2D`, default time conditioning):
///
///     h = conv1(SiLU(GN₁(x)))
///     h = h + time_emb_proj(SiLU(τ))          (when the block is time-conditioned)
///     h = conv2(dropout(SiLU(GN₂(h))))
///     y = (shortcut(x) + h) / s               shortcut = 1×1 conv when the widths differ
///
/// Parameter names `norm1`, `conv1`, `time_emb_proj`, `norm2`, `conv2`, `conv_shortcut`.
/// Callers pass SiLU(τ) once for every block (each diffusers block recomputes the same value).
public struct ResnetBlock2D: Module {
    public let outputScaleFactor: Float
    @Key("norm1") public var firstNorm: GroupNorm
    @Key("conv1") public var firstConvolution: Conv2d
    @Key("time_emb_proj") public var timeProjection: Linear?
    @Key("norm2") public var secondNorm: GroupNorm
    @Key("dropout") public var dropout: Dropout
    @Key("conv2") public var secondConvolution: Conv2d
    @Key("conv_shortcut") public var shortcut: Conv2d?

    /// - Parameters:
    ///   - timeEmbeddingWidth: width of τ, or nil for an unconditioned block (the autoencoder's).
    public init(inChannels: Int, outChannels: Int, timeEmbeddingWidth: Int?, groups: Int, epsilon: Float,
                dropout: Float = 0, outputScaleFactor: Float = 1) {
        self.outputScaleFactor = outputScaleFactor
        firstNorm = GroupNorm(groups: groups, channels: inChannels, epsilon: epsilon)
        firstConvolution = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1)
        timeProjection = timeEmbeddingWidth.map { Linear(inFeatures: $0, outFeatures: outChannels) }
        secondNorm = GroupNorm(groups: groups, channels: outChannels, epsilon: epsilon)
        self.dropout = Dropout(probability: dropout)
        secondConvolution = Conv2d(inChannels: outChannels, outChannels: outChannels, kernelSize: 3, padding: 1)
        shortcut = inChannels == outChannels ? nil : Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1)
    }

    /// Without a tape the convolutions of unconditioned blocks (the autoencoder's) take the
    /// channel-major inference kernels (`Conv2d.inferring`); time-conditioned blocks (the U-Net's)
    /// keep im2col, since Winograd's cached kernels would hold 4× its 3.4 GB of weights.
    /// `[batch, inChannels, height, width]` and SiLU(τ) `[batch, timeEmbeddingWidth]` (nil for an
    /// unconditioned block) → `[batch, outChannels, height, width]`.
    public func callAsFunction(_ input: Variable, activatedTimeEmbedding: Variable?) -> Variable {
        let convolve = { (layer: Conv2d, x: Variable) in self.timeProjection == nil ? layer.inferring(x) : layer(x) }
        var hidden = convolve(firstConvolution, firstNorm(input).silu())  // [batch, out, height, width]
        if let timeProjection {
            guard let activatedTimeEmbedding else { preconditionFailure("a time-conditioned ResNet block needs the time embedding") }
            let projected = timeProjection(activatedTimeEmbedding)  // [batch, out]
            hidden = hidden + projected.reshaped([projected.shape[0], projected.shape[1], 1, 1])
        }
        hidden = convolve(secondConvolution, dropout(secondNorm(hidden).silu()))  // [batch, out, height, width]
        let residual = shortcut.map { convolve($0, input) } ?? input  // [batch, out, height, width]
        let sum = residual + hidden
        return outputScaleFactor == 1 ? sum : sum / outputScaleFactor
    }
}
