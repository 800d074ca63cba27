import Autograd
import Foundation
import NN
import Tensor
import Tokenizers

/// A sentence-transformers model (Reimers & Gurevych 2019, "Sentence-BERT") over a BERT encoder:
///
///     e = normalize(pool(BERT(tokens), mask))      pool and normalize as `modules.json` says
///
/// Loaded from a sentence-transformers folder (`modules.json`, `config.json`,
/// `model.safetensors`, `vocab.txt`, `sentence_bert_config.json`, the Pooling module's
/// `config.json`), e.g. all-MiniLM-L6-v2: Transformer → Pooling(mean) → Normalize, 384 wide,
/// texts cut to 256 tokens. Only the Transformer (BERT-architecture), Pooling and Normalize
/// modules are supported; any other module throws.
public final class SentenceTransformer: Module {
    public let tokenizer: WordPieceTokenizer
    public let configuration: SentenceTransformerConfiguration
    public let pooling: SentencePooling
    /// Whether the pipeline ends in L2 normalisation.
    public let normalizes: Bool
    /// Tokens per text, `[CLS]` and `[SEP]` included.
    public let maximumSequenceLength: Int
    /// The BERT encoder; its parameters carry Hugging Face `BertModel`'s names at the top level.
    @Key("") public private(set) var encoder: BERTModel

    public init(encoder: BERTModel, tokenizer: WordPieceTokenizer, configuration: SentenceTransformerConfiguration,
                pooling: PoolingConfiguration, normalizes: Bool) {
        self.tokenizer = tokenizer
        self.configuration = configuration
        self.pooling = SentencePooling(pooling)
        self.normalizes = normalizes
        maximumSequenceLength = min(configuration.maximumSequenceLength ?? tokenizer.configuration.maximumLength,
                                    Self.usablePositions(encoder.configuration))
        self.encoder = encoder
    }

    /// Loads a sentence-transformers folder.
    public convenience init(directory: URL) throws {
        let modules = try SentenceTransformerModule.pipeline(contentsOf: directory.appendingPathComponent("modules.json"))
        var transformerPath: String?, poolingPath: String?, normalizes = false
        for module in modules {
            switch module.kind {
            case .transformer where transformerPath == nil && poolingPath == nil: transformerPath = module.path
            case .pooling where transformerPath != nil && poolingPath == nil: poolingPath = module.path
            case .normalize where poolingPath != nil && !normalizes: normalizes = true
            default: throw ModelError.unsupportedModule(path: directory.appendingPathComponent("modules.json").path,
                                                             type: module.type)
            }
        }
        guard let transformerPath, let poolingPath else {
            throw ModelError.invalidConfiguration(path: directory.appendingPathComponent("modules.json").path,
                                                        reason: "needs a Transformer module followed by a Pooling module")
        }
        let transformerDirectory = transformerPath.isEmpty ? directory : directory.appendingPathComponent(transformerPath)
        let encoder = try BERTModel.load(directory: transformerDirectory)
        let settingsURL = transformerDirectory.appendingPathComponent("sentence_bert_config.json")
        let configuration = FileManager.default.fileExists(atPath: settingsURL.path)
            ? try decodeJSONFile(SentenceTransformerConfiguration.self, at: settingsURL)
            : SentenceTransformerConfiguration(maximumSequenceLength: nil)
        let tokenizerSettings = try TokenizerSettings(directory: transformerDirectory)
        let modelLimit = tokenizerSettings.modelMaximumLength.map { $0 < 1e9 ? Int($0) : Int.max } ?? Int.max
        let maximumLength = min(configuration.maximumSequenceLength ?? modelLimit, Self.usablePositions(encoder.configuration))
        let vocabularyURL = transformerDirectory.appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocabularyURL.path) else {
            throw ModelError.missingFile(directory: transformerDirectory.path, expected: ["vocab.txt"])
        }
        let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyURL,
                                               configuration: tokenizerSettings.wordPieceConfiguration(maximumLength: maximumLength))
        let pooling = try PoolingConfiguration(contentsOf: directory.appendingPathComponent(poolingPath)
            .appendingPathComponent("config.json"))
        guard pooling.embeddingDimension == encoder.configuration.hiddenSize else {
            throw ModelError.invalidConfiguration(
                path: directory.appendingPathComponent(poolingPath).path,
                reason: "pools \(pooling.embeddingDimension)-wide tokens but the encoder is \(encoder.configuration.hiddenSize) wide")
        }
        self.init(encoder: encoder, tokenizer: tokenizer, configuration: configuration, pooling: pooling,
                  normalizes: normalizes)
    }

    /// Width of a sentence embedding.
    public var embeddingDimension: Int { pooling.configuration.outputDimension }

    /// Sentence embeddings `[texts.count, embeddingDimension]`, in the order of `texts`.
    ///
    /// Texts are tokenised once, sorted by token count and run in batches of at most `batchSize`
    /// texts, each padded to its longest text and cut where lengths drop (`LengthBatching`), so
    /// little work goes into padding; rows are put back in order. Padding never changes a
    /// text's embedding, so the batching only changes the speed.
    public func embed(texts: [String], batchSize: Int = 64) throws -> Tensor {
        precondition(batchSize > 0, "batch size must be positive")
        let encoded = try texts.map { text in
            try tokenizer.encodeForModel(configuration.lowercasesInput ? text.lowercased() : text,
                                         maximumLength: maximumSequenceLength).inputIDs
        }
        let width = embeddingDimension
        var result = Tensor(zeros: [texts.count, width])
        GradientMode.withoutGradients {
            for rows in LengthBatching.plan(tokenCounts: encoded.map(\.count), maximumRows: batchSize) {
                let embeddings = callAsFunction(paddedInput(rows.map { encoded[$0] })).value  // [rows, width]
                result.withUnsafeMutableBufferPointer { output in
                    for (offset, row) in rows.enumerated() {
                        (output.baseAddress! + row * width).update(from: embeddings.pointer + offset * width, count: width)
                    }
                }
            }
        }
        return result
    }

    /// Sentence embeddings `[batch, embeddingDimension]` of tokenised input (differentiable).
    public func callAsFunction(_ input: BERTInput) -> Variable {
        let tokens = encoder(input).lastHiddenState  // [batch, length, hiddenSize]
        let pooled = pooling(tokens, attentionMask: input.attentionMask)  // [batch, embeddingDimension]
        return normalizes ? pooled.l2NormalizedRows() : pooled  // sentence-transformers' Normalize
    }

    /// Rows of token ids padded to the longest with the padding token.
    func paddedInput(_ rows: [[Int]]) -> BERTInput {
        let length = rows.map(\.count).max() ?? 0
        var ids = [Int](repeating: tokenizer.paddingID, count: rows.count * length)
        var mask = [Int](repeating: 0, count: rows.count * length)
        for (index, row) in rows.enumerated() {
            for (column, id) in row.enumerated() {
                ids[index * length + column] = id
                mask[index * length + column] = 1
            }
        }
        return BERTInput(batch: rows.count, length: length, tokenIDs: ids, attentionMask: mask)
    }


    /// Position rows an input may use: all of them for BERT, two fewer for RoBERTa's numbering.
    static func usablePositions(_ configuration: BERTConfiguration) -> Int {
        configuration.positionNumbering == .afterPadding
            ? configuration.maximumPositions - configuration.paddingTokenID - 1 : configuration.maximumPositions
    }
}
