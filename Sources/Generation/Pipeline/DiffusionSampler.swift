import Autograd
import NN
import Tensor

/// What one batch of generations is conditioned on: the text context and, with classifier-free
/// guidance, the unconditional one (the empty or negative prompt); optionally an image prompt —
/// embeddings already aggregated (`[batch, width]`, or `[batch, images, width]` for concatenated
/// token groups) and its weight λ. The unconditional branch gets zero image embeddings, the
/// dropped condition the adapter was trained with (seed paper, Eq. 18).
public struct DiffusionConditioning {
    public var context: Tensor
    public var unconditionalContext: Tensor?
    public var imageEmbeddings: Tensor?
    public var imageScale: Float

    public init(context: Tensor, unconditionalContext: Tensor? = nil, imageEmbeddings: Tensor? = nil, imageScale: Float = 1) {
        precondition(context.rank == 3, "the context must be [batch, tokens, width], got \(context.shape)")
        if let unconditionalContext {
            precondition(unconditionalContext.shape == context.shape,
                         "the unconditional context \(unconditionalContext.shape) differs from the context \(context.shape)")
        }
        if let imageEmbeddings { precondition(imageEmbeddings.shape[0] == context.shape[0], "one image prompt per sample") }
        self.context = context
        self.unconditionalContext = unconditionalContext
        self.imageEmbeddings = imageEmbeddings
        self.imageScale = imageScale
    }
}

/// The reverse process of a conditional diffusion model with classifier-free guidance (Ho et al.
/// 2020; Ho & Salimans 2022; the seed paper's Eqs. 10, 11, 18): starting from x_T ~ N(0, I),
/// at every visited timestep
///
///     ε̂ = w·ε_θ(x_t, c_text, c_image) + (1 − w)·ε_θ(x_t, c_∅, 0)     (w = 1: the first term alone)
///     x_{t′} = scheduler step(ε̂, x_t)
///
/// The conditional and unconditional predictions are one U-Net call on a doubled batch, as in
/// diffusers. Ancestral noise is drawn from the caller's generator, so a seed fixes the result.
public struct DiffusionSampler {
    public let unet: UNet2DConditionModel
    public let scheduler: any DenoisingScheduler
    public let adapter: IPAdapter?

    public init(unet: UNet2DConditionModel, scheduler: any DenoisingScheduler, adapter: IPAdapter? = nil) {
        self.unet = unet
        self.scheduler = scheduler
        self.adapter = adapter
    }

    /// x₀ (latents or pixels, as the U-Net works) from `noise` `[batch, channels, height, width]`.
    /// `progress(step, steps)` is called after every step.
    public func sample(from noise: Tensor, conditioning: DiffusionConditioning, guidance: Float, steps: Int,
                       generator: inout SeededGenerator, progress: ((Int, Int) -> Void)? = nil) -> Tensor {
        precondition(noise.rank == 4 && noise.shape[0] == conditioning.context.shape[0],
                     "noise \(noise.shape) must be [batch, channels, height, width] for \(conditioning.context.shape[0]) contexts")
        precondition(conditioning.imageEmbeddings == nil || adapter != nil, "an image prompt needs an IP-Adapter")
        let guided = guidance != 1 && conditioning.unconditionalContext != nil
        let batch = noise.shape[0]
        let context = guided ? Tensor.concatenate([conditioning.unconditionalContext!, conditioning.context], alongAxis: 0)
            : conditioning.context  // [(2·)batch, tokens, width]
        var imageEmbeddings = conditioning.imageEmbeddings
        if guided, let embeddings = imageEmbeddings {
            imageEmbeddings = Tensor.concatenate([Tensor(zeros: embeddings.shape), embeddings], alongAxis: 0)
        }
        let plan = scheduler.plan(steps: steps)
        var sample = noise
        GradientMode.withoutGradients {
            let prompt = imageEmbeddings.map { adapter!.conditioning(imageEmbeddings: Variable($0), scale: conditioning.imageScale) }
            let contextVariable = Variable(context)
            for (index, timestep) in plan.timesteps.enumerated() {
                let input = guided ? Tensor.concatenate([sample, sample], alongAxis: 0) : sample
                let timesteps = [Float](repeating: Float(timestep), count: input.shape[0])
                let prediction = unet(Variable(input), timesteps: timesteps, context: contextVariable, imagePrompt: prompt).value
                let output: Tensor
                if guided {
                    let halves = prediction.split(sizes: [batch, batch], alongAxis: 0)
                    output = ClassifierFreeGuidance.combine(conditional: halves[1], unconditional: halves[0], scale: guidance)
                } else {
                    output = prediction
                }
                let noise = scheduler.addsNoise(at: index, of: plan) ? Tensor.randomNormal(sample.shape, generator: &generator) : nil
                sample = scheduler.step(modelOutput: output, at: index, of: plan, sample: sample, noise: noise).previousSample
                progress?(index + 1, plan.timesteps.count)
            }
        }
        return sample
    }
}
