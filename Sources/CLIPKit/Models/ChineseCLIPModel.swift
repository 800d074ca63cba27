import Checkpoint
import Foundation
import Imaging
import Models
import Retrieval
import Tensor
import Tokenizers

/// A Chinese-CLIP checkpoint (cn_clip's `.pt`) ready for inference: the dual encoder, the
/// Chinese WordPiece tokenizer (context 52) and cn_clip's eval transform (bicubic squash to the
/// tower's resolution, OpenAI mean/std).
///
/// The architecture is not stored in cn_clip checkpoints; cn_clip users pick a pair of config
/// files by name. `load(contentsOf:)` picks the pair among the configs cn_clip installs whose
/// widths, depths and resolution match the checkpoint's tensor shapes.
public final class ChineseCLIPModel: ImageTextModel, @unchecked Sendable {
    public let network: ChineseCLIP
    public let tokenizer: WordPieceTokenizer
    public let identity: ModelIdentity
    /// The cn_clip config files the architecture came from (vision, text).
    public let configurationNames: (vision: String, text: String)
    /// Texts per forward pass.
    public var textBatchSize = 64

    public init(network: ChineseCLIP, tokenizer: WordPieceTokenizer, name: String, checkpointHash: String,
                configurationNames: (vision: String, text: String)) {
        self.network = network
        self.tokenizer = tokenizer
        self.configurationNames = configurationNames
        let size = network.visual.configuration.imageSize
        identity = ModelIdentity(name: name, checkpointHash: checkpointHash, dimension: network.text.configuration.embedDimension,
                                 preprocessing: Preprocessing(imageSize: size, mean: Preprocessing.openAIMean, std: Preprocessing.openAIStd,
                                                              interpolation: .bicubic, resizeMode: .squash))
    }

    /// Loads `tensors` (already read from `url`) with the matching installed cn_clip configs.
    static func load(tensors: [String: Tensor], url: URL, configurationDirectory: URL = InstalledFiles.chineseCLIPModelConfigurations)
        throws -> ChineseCLIPModel {
        let match = try ChineseCLIPConfigurationMatch.find(shapes: tensors.mapValues(\.shape), in: configurationDirectory, source: url.path)
        let network = try ChineseCLIP.load(tensors: tensors, vision: match.vision, text: match.text, source: url.lastPathComponent)
        let tokenizer = try WordPieceTokenizer(vocabularyFile: try InstalledFiles.require(InstalledFiles.chineseCLIPVocabulary),
                                               configuration: .chineseCLIP)
        return ChineseCLIPModel(network: network, tokenizer: tokenizer, name: url.path,
                                checkpointHash: try CheckpointFingerprint.of([url]), configurationNames: match.names)
    }

    public var logitScale: Float { network.logitScale.value.exp().item }

    public func embed(images: Tensor) throws -> Tensor {
        let size = network.visual.configuration.imageSize
        guard images.rank == 4, images.shape[1] == 3, images.shape[2] == size, images.shape[3] == size else {
            throw ModelLoadingError.wrongInputShape(expected: "[batch, 3, \(size), \(size)]", got: images.shape)
        }
        return network.encodeImage(images).l2NormalizedRows()
    }

    public func embed(texts: [String]) throws -> Tensor {
        try RowBatches.map(texts, size: textBatchSize, dimension: identity.dimension) { slice in
            try network.encodeText(slice, tokenizer: tokenizer)
        }.l2NormalizedRows()
    }
}
