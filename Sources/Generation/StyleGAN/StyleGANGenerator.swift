import Autograd
import NN
import Tensor

/// The StyleGAN2 generator (Karras et al. 2020, config E/F "skip" architecture; the seed paper's
/// §3 style-based generator): the `MappingNetwork` z → w, then the synthesis network — a learned
/// 4×4 constant, one `StyledConvolution` at 4×4, then per resolution 8…`size` an upsampling and a
/// plain `StyledConvolution`, each resolution's `ToRGB` added to the upsampled image so far. The
/// same w goes to every layer (no style mixing); truncation moves it towards the mean w̄:
///
///     w′ = w̄ + ψ·(w − w̄)    (Karras et al. 2019, §3.3 / App. B).
///
/// Parameter names are those of rosinality/stylegan2-pytorch's `Generator` state dicts (`style.N.*`,
/// `input.input`, `conv1.*`, `to_rgb1.*`, `convs.N.*`, `to_rgbs.N.*`, `noises.noise_N`), so a
/// `g_ema` loads strictly (see `StyleGANCheckpoint`). Images come out in roughly [−1, 1], `[batch,
/// image_channels, size, size]`. Everything is differentiable: with the weights frozen, gradients
/// flow from the image to w (what a text → w mapping trains through).
public struct StyleGANGenerator: Module {
    public let configuration: StyleGANConfiguration
    @Key("style") public var mapping: MappingNetwork
    @Key("input") public var constantInput: ConstantInput
    @Key("conv1") public var firstConvolution: StyledConvolution
    @Key("to_rgb1") public var firstToRGB: ToRGB
    @Key("convs") public var convolutions: [StyledConvolution]
    @Key("to_rgbs") public var toRGBs: [ToRGB]
    @Key("noises") public var fixedNoise: NoiseBuffers

    /// Weights drawn as rosinality initialises them (N(0, 1) kernels, zero biases and noise
    /// strengths, modulation biases 1), from `generator`.
    public init(configuration: StyleGANConfiguration, generator: inout SeededGenerator) {
        self.configuration = configuration
        let style = configuration.styleDimension, channels = configuration.channels
        mapping = MappingNetwork(width: style, layers: configuration.mappingLayers,
                                 learningRateMultiplier: configuration.mappingLearningRateMultiplier, generator: &generator)
        constantInput = ConstantInput(channels: channels[0], generator: &generator)
        firstConvolution = StyledConvolution(inChannels: channels[0], outChannels: channels[0], styleDimension: style, generator: &generator)
        firstToRGB = ToRGB(inChannels: channels[0], imageChannels: configuration.imageChannels, styleDimension: style,
                           upsamplesSkip: false, generator: &generator)
        var convolutions: [StyledConvolution] = [], toRGBs: [ToRGB] = []
        for (inChannels, outChannels) in zip(channels.dropLast(), channels.dropFirst()) {
            convolutions.append(StyledConvolution(inChannels: inChannels, outChannels: outChannels, styleDimension: style,
                                                  upsamples: true, generator: &generator))
            convolutions.append(StyledConvolution(inChannels: outChannels, outChannels: outChannels, styleDimension: style,
                                                  generator: &generator))
            toRGBs.append(ToRGB(inChannels: outChannels, imageChannels: configuration.imageChannels, styleDimension: style,
                                generator: &generator))
        }
        self.convolutions = convolutions
        self.toRGBs = toRGBs
        fixedNoise = NoiseBuffers(size: configuration.size, generator: &generator)
    }

    /// Synthesis layers (each takes one noise map).
    public var layerCount: Int { convolutions.count + 1 }

    /// z `[batch, style]` → w `[batch, style]`.
    public func map(_ latent: Variable) -> Variable { mapping(latent) }

    /// The image for w `[batch, style]` with the given noise maps (one per layer, `[batch or 1, 1, r, r]`;
    /// nil: the fixed `noises` buffers): `[batch, image_channels, size, size]`.
    public func synthesize(_ latent: Variable, noise: [Tensor]? = nil) -> Variable {
        let maps = noise ?? fixedNoise.maps.map(\.value)
        precondition(maps.count == layerCount, "the generator has \(layerCount) layers but \(maps.count) noise maps were given")
        var features = firstConvolution(constantInput(batch: latent.shape[0]), style: latent, noise: maps[0])  // [batch, c₀, 4, 4]
        var image = firstToRGB(features, style: latent, skip: nil)  // [batch, image, 4, 4]
        for (block, toRGB) in toRGBs.enumerated() {
            features = convolutions[2 * block](features, style: latent, noise: maps[2 * block + 1])  // [batch, c, 2r, 2r]
            features = convolutions[2 * block + 1](features, style: latent, noise: maps[2 * block + 2])
            image = toRGB(features, style: latent, skip: image)  // [batch, image, 2r, 2r]
        }
        return image
    }

    /// Fresh N(0, 1) noise maps for `batch` samples, one per layer.
    public func randomNoise(batch: Int, generator: inout SeededGenerator) -> [Tensor] {
        NoiseBuffers.resolutions(size: configuration.size).map { side in
            Tensor.randomNormal([batch, 1, side, side], generator: &generator)
        }
    }

    /// w′ = w̄ + ψ·(w − w̄) for w `[batch, style]` and w̄ `[style]`.
    public static func truncated(_ latent: Variable, mean: Tensor, psi: Float) -> Variable {
        if psi == 1 { return latent }
        let center = Variable(mean.reshaped([1, -1]))
        return center + (latent - center) * psi
    }

    /// The mean of w over `samples` draws of z ~ N(0, I) (rosinality's `mean_latent`), `[style]`.
    public func meanLatent(samples: Int = 4096, generator: inout SeededGenerator) -> Tensor {
        GradientMode.withoutGradients {
            let latents = Tensor.randomNormal([samples, configuration.styleDimension], generator: &generator)
            return map(Variable(latents)).value.mean(alongAxis: 0)
        }
    }

    /// z `[batch, style]` → image, with truncation ψ around `mean` (nil: no truncation).
    public func callAsFunction(_ latent: Variable, truncation psi: Float = 1, mean: Tensor? = nil, noise: [Tensor]? = nil) -> Variable {
        var styles = map(latent)
        if let mean { styles = Self.truncated(styles, mean: mean, psi: psi) }
        return synthesize(styles, noise: noise)
    }
}
