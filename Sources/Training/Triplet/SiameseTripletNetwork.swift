import Autograd
import Datasets
import Models
import NN
import Tensor

/// The fashion notebook's Siamese embedding network: one shared image tower applied to anchor,
/// positive and negative, then Dense(hidden, ReLU) → Dense(embedding, sigmoid), so embeddings lie
/// in [0, 1]^embedding as the lossless triplet loss expects (Hoffer & Ailon 2015 for triplet
/// networks; the notebook uses a ResNet-50 with global average pooling as the tower).
/// Keys `backbone.*`, `hidden.weight`, `hidden.bias`, `embedding.weight`, `embedding.bias`.
public struct SiameseTripletNetwork: Module {
    /// The head as data.
    public struct Head: Codable, Sendable, Equatable {
        public var hiddenWidth: Int
        public var embeddingWidth: Int
        public var hiddenActivation: Activation
        public var outputActivation: Activation

        public init(hiddenWidth: Int = 1024, embeddingWidth: Int = 128, hiddenActivation: Activation = .relu,
                    outputActivation: Activation = .sigmoid) {
            self.hiddenWidth = hiddenWidth
            self.embeddingWidth = embeddingWidth
            self.hiddenActivation = hiddenActivation
            self.outputActivation = outputActivation
        }

        enum CodingKeys: String, CodingKey {
            case hiddenWidth = "hidden_width", embeddingWidth = "embedding_width"
            case hiddenActivation = "hidden_activation", outputActivation = "output_activation"
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Head()
            hiddenWidth = try container.decodeIfPresent(Int.self, forKey: .hiddenWidth) ?? defaults.hiddenWidth
            embeddingWidth = try container.decodeIfPresent(Int.self, forKey: .embeddingWidth) ?? defaults.embeddingWidth
            hiddenActivation = try container.decodeIfPresent(Activation.self, forKey: .hiddenActivation) ?? defaults.hiddenActivation
            outputActivation = try container.decodeIfPresent(Activation.self, forKey: .outputActivation) ?? defaults.outputActivation
        }

        /// The notebook's head: Dense(1024, ReLU) → Dense(128, sigmoid).
        public static let fashionNotebook = Head()
    }

    public let head: Head
    /// Whether one-channel (grey) images are repeated to the three channels the backbone takes.
    public let expandsGreyToRGB: Bool
    @Key("backbone") public var backbone: any ImageEncoder
    @Key("hidden") public var hidden: Linear
    @Key("embedding") public var embedding: Linear

    /// The head initialised as PyTorch's `Linear` from a seeded generator.
    public init(backbone: any ImageEncoder, head: Head = .fashionNotebook, expandsGreyToRGB: Bool = false,
                generator: inout SeededGenerator) {
        self.head = head
        self.expandsGreyToRGB = expandsGreyToRGB
        self.backbone = backbone
        hidden = Linear(inFeatures: backbone.embeddingWidth, outFeatures: head.hiddenWidth, generator: &generator)
        embedding = Linear(inFeatures: head.hiddenWidth, outFeatures: head.embeddingWidth, generator: &generator)
    }

    /// `[batch, channels, height, width]` → `[batch, embeddingWidth]`, in the network's current mode.
    public func callAsFunction(_ images: Variable) -> Variable {
        let input = expandsGreyToRGB && images.shape.count == 4 && images.shape[1] == 1
            ? Variable(Tensor(zeros: [images.shape[0], 3, images.shape[2], images.shape[3]])) + images  // [batch, 3, height, width]
            : images
        let features = backbone(input)  // [batch, embeddingWidth]
        return head.outputActivation(embedding(head.hiddenActivation(hidden(features))))  // [batch, embeddingWidth]
    }

    /// Embeddings of a whole image set in inference mode, `batchSize` images at a time, without a
    /// tape; every layer's mode is restored afterwards.
    public func embed(_ images: LabeledImageSet, normalization: PixelNormalization, batchSize: Int = 500) -> Tensor {
        withMode(.inference) {
            GradientMode.withoutGradients {
                var parts: [Tensor] = []
                for start in stride(from: 0, to: images.count, by: batchSize) {
                    let batch = images.batch(Array(start..<min(start + batchSize, images.count)), normalization: normalization)
                    parts.append(self(Variable(batch)).value)
                }
                return Tensor.concatenate(parts, alongAxis: 0)  // [count, embeddingWidth]
            }
        }
    }
}

extension SiameseTripletNetwork: ImageEncoder {
    /// The head's output width.
    public var embeddingWidth: Int { head.embeddingWidth }
    public var inputSize: Int? { backbone.inputSize }

    /// The embedding as the pooled output (the head ends in its output activation); no token states.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        ImageEncoding(pooled: self(images))  // [batch, embeddingWidth]
    }
}
