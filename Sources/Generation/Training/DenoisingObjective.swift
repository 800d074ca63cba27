import Autograd
import NN
import Tensor

/// The denoising objective of one training step (Ho et al. 2020; the seed paper's Eqs. 1 and 17):
/// for each photo x₀ of the batch draw t ~ U{0 … T−1} and ε ~ N(0, I), form
/// x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε, and regress the U-Net's output on ε (or on v for v-prediction):
///
///     L = mean ‖target − ε_θ(x_t, t, c_text, c_image)‖²
///
/// c_text is one of the photo's captions (or the empty prompt when dropped); c_image, with an
/// adapter, is the photo's own embedding or the aggregate of its person's other photos
/// (leave-one-out, Eq. 1), or zeros when dropped.
struct DenoisingObjective {
    let unet: UNet2DConditionModel
    let schedule: NoiseSchedule
    let prediction: PredictionType
    let adapter: IPAdapter?
    let aggregator: AttentionAggregator?
    let aggregation: ImagePromptAggregation
    let leaveOneOut: Bool

    /// The loss of `photos`; `contexts` holds every caption's token states and the empty prompt's last.
    func loss(photos: [Int], faces: CaptionedImages, contexts: Tensor, embeddings: Tensor?, dropText: [Bool], dropImage: [Bool],
              generator: inout SeededGenerator) -> Variable {
        let captions = photos.enumerated().map { index, photo in
            dropText[index] ? contexts.shape[0] - 1 : faces.captions[photo][Int(generator.next() % UInt64(faces.captions[photo].count))]
        }
        let timesteps = photos.map { _ in Int(generator.next() % UInt64(schedule.count)) }
        let clean = Self.rows(faces.pixels, photos)  // [batch, channels, size, size]
        let noise = Tensor.randomNormal(clean.shape, generator: &generator)
        var references: [[Int]] = []
        if leaveOneOut {
            references = photos.map { photo in faces.imagesOfGroup[faces.groups[photo]].filter { $0 != photo } }
        }
        return denoisingLoss(clean: clean, noise: noise, timesteps: timesteps, context: Self.rows(contexts, captions),
                             embeddings: embeddings, photos: photos, references: references, dropImage: dropImage)
    }

    /// The mean loss over `faces` (held out) at 4 fixed timesteps and fixed noise, first caption,
    /// without a tape and with no condition dropped.
    func validationLoss(faces: CaptionedImages, contexts: Tensor, embeddings: Tensor?) -> Float {
        GradientMode.withoutGradients {
            var generator = SeededGenerator(seed: 2024)
            var total: Float = 0, count = 0
            for fraction in [0.1, 0.3, 0.5, 0.8] {
                let timestep = Int(fraction * Double(schedule.count))
                for start in stride(from: 0, to: faces.count, by: 64) {
                    let photos = Array(start..<min(start + 64, faces.count))
                    let clean = Self.rows(faces.pixels, photos)
                    let noise = Tensor.randomNormal(clean.shape, generator: &generator)
                    let references = leaveOneOut
                        ? photos.map { photo in faces.imagesOfGroup[faces.groups[photo]].filter { $0 != photo } } : []
                    let loss = denoisingLoss(clean: clean, noise: noise, timesteps: photos.map { _ in timestep },
                                             context: Self.rows(contexts, photos.map { faces.captions[$0][0] }), embeddings: embeddings,
                                             photos: photos, references: references,
                                             dropImage: photos.map { _ in false })
                    total += loss.value.item * Float(photos.count)
                    count += photos.count
                }
            }
            return total / Float(max(count, 1))
        }
    }

    private func denoisingLoss(clean: Tensor, noise: Tensor, timesteps: [Int], context: Tensor, embeddings: Tensor?, photos: [Int],
                               references: [[Int]], dropImage: [Bool]) -> Variable {
        let noisy = schedule.addNoise(to: clean, noise: noise, timesteps: timesteps)
        let target = prediction == .velocity ? schedule.velocity(samples: clean, noise: noise, timesteps: timesteps)
            : (prediction == .sample ? clean : noise)
        var prompt: ImagePromptConditioning?
        if let adapter, let embeddings {
            var image: Variable
            if leaveOneOut {
                let counts = Set(references.map(\.count))
                precondition(counts.count == 1, "every person needs the same number of photos for leave-one-out batches")
                let gathered = Self.rows(embeddings, references.flatMap { $0 })
                    .reshaped([photos.count, references[0].count, embeddings.shape[1]])  // [batch, n − 1, width]
                image = aggregation.aggregate(Variable(gathered), aggregator: aggregator)  // [batch, (n − 1,) width]
            } else {
                image = Variable(Self.rows(embeddings, photos))  // [batch, width]
            }
            let keep = Tensor(shape: [photos.count] + Array(repeating: 1, count: image.shape.count - 1),
                              scalars: dropImage.map { $0 ? 0 : 1 })
            image = image * Variable(keep)
            prompt = adapter.conditioning(imageEmbeddings: image, scale: 1)
        }
        let output = unet(Variable(noisy), timesteps: timesteps.map(Float.init), context: Variable(context), imagePrompt: prompt)
        return Losses.meanSquaredError(prediction: output, target: Variable(target))
    }

    /// Rows `indices` of `tensor` along its first axis.
    static func rows(_ tensor: Tensor, _ indices: [Int]) -> Tensor {
        let width = tensor.count / max(tensor.shape[0], 1)
        return Tensor.gather(rowsOf: tensor.reshaped([tensor.shape[0], width]), indices: indices)
            .reshaped([indices.count] + Array(tensor.shape.dropFirst()))
    }
}
