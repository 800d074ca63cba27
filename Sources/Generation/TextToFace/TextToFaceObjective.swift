import Autograd
import NN
import Tensor

/// The loss of the text-to-face mapping stage (the seed paper's Eq. 10): with the generator G and
/// the supervisor frozen, only conditioning augmentation and the mapping network learn,
///
///     w = f(μ(s) + σ(s) ⊙ ε),   x = G(w̄ + ψ·(w − w̄))
///     L = λ1·L_KL + λ2·L_sup(x, t)
///
/// where L_sup is the text reconstruction loss L_TRL of the frozen captioner (Eq. 9,
/// `TrainedCaptioner.textReconstructionLoss`: the paper) or, for the ablation, the image–text
/// similarity loss 1 − cos(E_I(x), E_T(t)) (`ImageTextSimilarityLoss`). Everything from the
/// mapping parameters to L stays on one tape.
public struct TextToFaceObjective {
    /// What scores a rendered face against its caption.
    public enum Supervisor {
        case textReconstruction(TrainedCaptioner)
        case imageTextSimilarity(ImageTextSimilarityLoss)
    }

    public let generator: TrainedStyleGAN
    public let supervisor: Supervisor
    /// λ1 and λ2 of Eq. 10.
    public var klWeight: Float
    public var supervisionWeight: Float
    /// ψ towards the generator's mean w (1: none).
    public var truncation: Float

    public init(generator: TrainedStyleGAN, supervisor: Supervisor, klWeight: Float = 1, supervisionWeight: Float = 5,
                truncation: Float = 1) {
        self.generator = generator
        self.supervisor = supervisor
        self.klWeight = klWeight
        self.supervisionWeight = supervisionWeight
        self.truncation = truncation
    }

    /// The terms of one batch and the images it rendered.
    public struct Terms {
        public var kl: Variable
        /// L_TRL or the similarity loss.
        public var supervision: Variable
        /// λ1·L_KL + λ2·L_sup.
        public var total: Variable
        /// The rendered images `[batch, image_channels, size, size]` in about [−1, 1].
        public var images: Variable
    }

    /// What conditioning augmentation reads for text features s `[batch, textWidth]`: s − s̄ with a
    /// centring offset s̄ `[textWidth]` (`center_text_features`), else s.
    static func conditioningInput(_ text: Tensor, offset: Tensor?) -> Tensor {
        offset.map { text - $0 } ?? text
    }

    /// The loss of text features `[batch, textWidth]` whose captions are `captions` (token ids of
    /// the captioner's vocabulary; used by text reconstruction) with CA noise ε `latentNoise`
    /// `[batch, style]` and the generator's noise maps `imageNoise` (nil: its fixed buffers).
    /// The similarity supervisor compares with the text features themselves (the same joint model's
    /// text embedding). With `textOffset` s̄ `[textWidth]`, conditioning augmentation reads s − s̄
    /// (`center_text_features`); the similarity still compares with s.
    public func terms(mapping: TextToFaceMapping, text: Tensor, textOffset: Tensor? = nil, captions: [[Int]], latentNoise: Tensor,
                      imageNoise: [Tensor]?) -> Terms {
        let (latent, conditioning) = mapping(Variable(Self.conditioningInput(text, offset: textOffset)), noise: latentNoise)  // w: [batch, style]
        let images = generator.synthesize(latent, truncation: truncation, noise: imageNoise)  // [batch, c, size, size]
        let kl = conditioning.klDivergence()
        let supervision: Variable
        switch supervisor {
        case let .textReconstruction(captioner):
            supervision = captioner.textReconstructionLoss(pixels: images, captions: captions).total
        case let .imageTextSimilarity(similarity):
            supervision = similarity(pixels: images, textEmbeddings: text)
        }
        return Terms(kl: kl, supervision: supervision, total: kl * klWeight + supervision * supervisionWeight, images: images)
    }
}
