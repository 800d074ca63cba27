import Autograd
import Foundation
import Imaging
import Models
import NN
import Tensor

/// The two reverse-process samplers a generation can use.
public enum SamplerKind: String, Codable, Sendable, CaseIterable {
    case ddpm
    case ddim

    /// The scheduler over `configuration` (η for DDIM).
    public func scheduler(_ configuration: SchedulerConfiguration, eta: Float = 0) -> any DenoisingScheduler {
        switch self {
        case .ddpm: DDPMScheduler(configuration: configuration)
        case .ddim: DDIMScheduler(configuration: configuration, eta: eta)
        }
    }
}

/// The settings of one generation run (what `clipkit generate` records in each PNG).
public struct GenerationSettings: Codable, Sendable, Equatable {
    public var prompt: String
    public var negativePrompt: String
    public var aggregation: ImagePromptAggregation
    /// λ of the image term (Eq. 19).
    public var imageScale: Float
    /// w of classifier-free guidance (Eq. 11); 1 disables the unconditional pass.
    public var guidance: Float
    public var steps: Int
    public var sampler: SamplerKind
    public var eta: Float
    public var seed: UInt64
    /// Output side in pixels (nil: the model's native size).
    public var size: Int?

    public init(prompt: String, negativePrompt: String = "", aggregation: ImagePromptAggregation = .mean, imageScale: Float = 1,
                guidance: Float = 7.5, steps: Int = 50, sampler: SamplerKind = .ddim, eta: Float = 0, seed: UInt64 = 0,
                size: Int? = nil) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.aggregation = aggregation
        self.imageScale = imageScale
        self.guidance = guidance
        self.steps = steps
        self.sampler = sampler
        self.eta = eta
        self.seed = seed
        self.size = size
    }

    enum CodingKeys: String, CodingKey {
        case prompt, negativePrompt = "negative_prompt", aggregation, imageScale = "ip_scale", guidance, steps, sampler = "scheduler"
        case eta, seed, size
    }
}

/// A text- and image-prompted diffusion model assembled for generation: the prompt encoder, the
/// U-Net, an autoencoder when the U-Net works on latents (nil: pixel space), the noise schedule,
/// and optionally an IP-Adapter with the reference-image encoder and the trained self-attention
/// aggregator (with the number of references it was trained on).
public struct DiffusionModel {
    public let unet: UNet2DConditionModel
    public let autoencoder: AutoencoderKL?
    public let promptEncoder: any PromptEncoder
    public let schedulerConfiguration: SchedulerConfiguration
    public var adapter: IPAdapter?
    public var imageEncoder: ReferenceImageEncoder?
    public var aggregator: AttentionAggregator?
    /// References the aggregator was trained on (n − 1 of Eq. 1); inference truncates or bootstraps to it.
    public var aggregatorReferenceCount: Int?
    /// Channels of a generated image (3 for RGB, 1 for grey).
    public let imageChannels: Int

    public init(unet: UNet2DConditionModel, autoencoder: AutoencoderKL?, promptEncoder: any PromptEncoder,
                schedulerConfiguration: SchedulerConfiguration, adapter: IPAdapter? = nil, imageEncoder: ReferenceImageEncoder? = nil,
                aggregator: AttentionAggregator? = nil, aggregatorReferenceCount: Int? = nil) {
        precondition(promptEncoder.contextWidth == unet.configuration.crossAttentionDimension,
                     "the prompt encoder's width \(promptEncoder.contextWidth) is not the U-Net's cross-attention width \(unet.configuration.crossAttentionDimension)")
        self.unet = unet
        self.autoencoder = autoencoder
        self.promptEncoder = promptEncoder
        self.schedulerConfiguration = schedulerConfiguration
        self.adapter = adapter
        self.imageEncoder = imageEncoder
        self.aggregator = aggregator
        self.aggregatorReferenceCount = aggregatorReferenceCount
        imageChannels = autoencoder?.configuration.outChannels ?? unet.configuration.outChannels
    }

    /// Pixels per latent position (1 in pixel space).
    public var downsamplingFactor: Int { autoencoder?.configuration.downsamplingFactor ?? 1 }

    /// The native output side: the U-Net's sample size times the autoencoder's factor.
    public var nativeSize: Int { (unet.configuration.sampleSize ?? 64) * downsamplingFactor }

    /// The aggregated image prompt of `references` for every one of `count` samples:
    /// `[count, width]` (or `[count, images, width]` for concatenation).
    public func imagePrompt(of references: [RGBImage], aggregation: ImagePromptAggregation, count: Int,
                            generator: inout SeededGenerator) throws -> Tensor {
        guard adapter != nil, let imageEncoder else {
            throw GenerationError.invalidRequest("this model has no IP-Adapter: reference images cannot be used")
        }
        var indices = Array(references.indices)
        if aggregation == .attention {
            guard aggregator != nil, let referenceCount = aggregatorReferenceCount else {
                throw GenerationError.invalidRequest("this model has no trained attention aggregator (use mean, max or concat)")
            }
            indices = ReferenceSelection.fitted(indices, to: referenceCount, generator: &generator)
        }
        let embeddings = try imageEncoder.embeddings(of: indices.map { references[$0] })  // [images, width]
        let perSample = embeddings.reshaped([1, indices.count, embeddings.shape[1]])
        let aggregated = GradientMode.withoutGradients { aggregation.aggregate(Variable(perSample), aggregator: aggregator).value }
        let rows = Array(repeating: aggregated, count: count)
        return Tensor.concatenate(rows, alongAxis: 0)  // [count, (images,) width]
    }

    /// Images in [0, 1] `[count, imageChannels, size, size]` for `settings`, from `references`
    /// (possibly none). The initial noise and every ancestral draw come from `settings.seed`, so a
    /// run repeats bit for bit. `progress(step, steps)` follows the denoising steps.
    public func generate(_ settings: GenerationSettings, references: [RGBImage] = [], count: Int = 1,
                         progress: ((Int, Int) -> Void)? = nil) throws -> Tensor {
        guard count >= 1, settings.steps >= 1, settings.steps <= schedulerConfiguration.trainingSteps else {
            throw GenerationError.invalidRequest("need at least one image and 1…\(schedulerConfiguration.trainingSteps) steps")
        }
        let size = settings.size ?? nativeSize
        let levels = 1 << (unet.configuration.blockCount - 1)
        guard size % (downsamplingFactor * levels) == 0 else {
            throw GenerationError.invalidRequest("the image size must be a multiple of \(downsamplingFactor * levels), got \(size)")
        }
        var generator = SeededGenerator(seed: settings.seed)
        let side = size / downsamplingFactor
        let noise = Tensor.randomNormal([count, unet.configuration.inChannels, side, side], generator: &generator)
        let contexts = try promptEncoder.contexts(for: [settings.prompt, settings.negativePrompt])  // [2, tokens, width]
        func repeated(_ row: Tensor) -> Tensor { Tensor.concatenate(Array(repeating: row, count: count), alongAxis: 0) }
        let parts = contexts.split(sizes: [1, 1], alongAxis: 0)
        var conditioning = DiffusionConditioning(context: repeated(parts[0]), unconditionalContext: repeated(parts[1]))
        if !references.isEmpty {
            conditioning.imageEmbeddings = try imagePrompt(of: references, aggregation: settings.aggregation, count: count,
                                                           generator: &generator)
            conditioning.imageScale = settings.imageScale
        }
        let sampler = DiffusionSampler(unet: unet, scheduler: settings.sampler.scheduler(schedulerConfiguration, eta: settings.eta),
                                       adapter: adapter)
        let sample = sampler.sample(from: noise, conditioning: conditioning, guidance: settings.guidance, steps: settings.steps,
                                    generator: &generator, progress: progress)
        return decode(sample)
    }

    /// Images in [0, 1] from final samples: decoded latents (÷ scaling factor) or pixels, mapped
    /// from [−1, 1] and clamped.
    public func decode(_ sample: Tensor) -> Tensor {
        let pixels: Tensor
        if let autoencoder {
            pixels = GradientMode.withoutGradients {
                autoencoder.decode(Variable(sample * (1 / autoencoder.configuration.scalingFactor))).value
            }
        } else {
            pixels = sample
        }
        return (pixels * 0.5 + 0.5).clamped(0, 1)
    }
}
