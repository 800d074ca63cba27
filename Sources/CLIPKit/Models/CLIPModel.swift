import Foundation
import Imaging
import Models
import Retrieval
import Tensor
import Tokenizers

/// A CLIP dual encoder ready for inference: the network, its BPE tokenizer, its image
/// preprocessing and the identity stored beside its embeddings (Radford et al., "Learning
/// Transferable Visual Models From Natural Language Supervision", 2021).
///
/// `embed(images:)` takes images already preprocessed with `identity.preprocessing`;
/// `embed(imageFiles:)` (on every `ImageTextModel`) reads files. Both return L2-normalised rows.
public final class CLIPModel: ImageTextModel, @unchecked Sendable {
    public let network: CLIP
    public let tokenizer: CLIPTokenizer
    public let identity: ModelIdentity
    /// Texts per forward pass of the text tower.
    public var textBatchSize = 64

    public init(network: CLIP, tokenizer: CLIPTokenizer, name: String, checkpointHash: String, preprocessing: Preprocessing) {
        precondition(preprocessing.imageSize == network.configuration.vision.imageSize,
                     "preprocessing makes \(preprocessing.imageSize)-pixel images, the network takes \(network.configuration.vision.imageSize)")
        self.network = network
        self.tokenizer = tokenizer
        identity = ModelIdentity(name: name, checkpointHash: checkpointHash,
                                 dimension: network.configuration.embeddingDimension, preprocessing: preprocessing)
    }

    public var logitScale: Float { network.logitScale.value.exp().item }

    public func embed(images: Tensor) throws -> Tensor {
        let size = network.configuration.vision.imageSize
        guard images.rank == 4, images.shape[1] == 3, images.shape[2] == size, images.shape[3] == size else {
            throw ModelLoadingError.wrongInputShape(expected: "[batch, 3, \(size), \(size)]", got: images.shape)
        }
        return network.encodeImage(images)
    }

    public func embed(texts: [String]) throws -> Tensor {
        let text = network.configuration.text
        return try RowBatches.map(texts, size: textBatchSize, dimension: identity.dimension) { slice in
            let batch = try tokenizer.tokenize(slice, contextLength: text.contextLength)
            if let largest = batch.tokens.max(), Int(largest) >= text.vocabularySize {
                throw ModelLoadingError.vocabularyTooSmall(model: identity.name, vocabularySize: text.vocabularySize,
                                                           tokenID: Int(largest))
            }
            return network.encodeText((0..<batch.count).map { batch.row($0).map(Int.init) })
        }
    }
}
