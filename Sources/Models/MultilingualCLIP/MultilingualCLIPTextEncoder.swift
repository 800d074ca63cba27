import Autograd
import Checkpoint
import Foundation
import NN
import Tensor
import Tokenizers

/// A Multilingual-CLIP text tower (Carlsson et al. 2022) as a `TextEncoder`: XLM-RoBERTa
/// (Conneau et al. 2020, "Unsupervised Cross-lingual Representation Learning at Scale"; a BERT
/// encoder with RoBERTa's position numbering and one token type) whose mean-pooled token states
/// are mapped linearly into a CLIP model's image-embedding space:
///
///     h = XLMR(ids, m),   f = W · (Σ_t m_t h_t / Σ_t m_t) + b
///
/// over the real tokens (mask m, `<s>` and `</s>` included). Ids are XLM-R's: SentencePiece
/// through fairseq's dictionary (`SentencePieceRowFormat.fairseq`), cut to the positions the
/// model has. Parameter names are M-CLIP's state dict (`transformer.…`, `LinearTransformation.…`).
public struct MultilingualCLIPTextEncoder: TextEncoder {
    public let tokenizer: SentencePieceTokenizer
    /// Longest row, `<s>` and `</s>` included.
    public let maximumLength: Int
    @Key("transformer") public var transformer: BERTModel
    @Key("LinearTransformation") public var projection: Linear

    public init(transformer: BERTModel, projection: Linear, tokenizer: SentencePieceTokenizer) {
        self.tokenizer = tokenizer
        // Positions run from pad + 1, so a row holds maximumPositions − pad − 1 tokens.
        maximumLength = transformer.configuration.maximumPositions - transformer.configuration.paddingTokenID - 1
        self.transformer = transformer
        self.projection = projection
    }

    public var embeddingWidth: Int { projection.outFeatures }
    public var projectionPaths: [String] { ["LinearTransformation"] }

    public func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        let batch = try tokenizer.batch(texts, format: .fairseq, maximumLength: maximumLength, includingSpans: includingSpans)
        return TokenizedTexts(ids: batch.ids, lengths: batch.lengths, spans: batch.spans)
    }

    public func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        let states = transformer(BERTInput(tokens)).lastHiddenState  // [batch, length, width]
        let mask = Tensor(shape: [tokens.count, tokens.length, 1]) { values in
            for row in 0..<tokens.count {
                for column in 0..<tokens.length { values[row * tokens.length + column] = column < tokens.lengths[row] ? 1 : 0 }
            }
        }
        let counts = Tensor(shape: [tokens.count, 1], scalars: tokens.lengths.map { Float(max($0, 1)) })
        let pooled = (states * Variable(mask)).sum(alongAxis: 1) / Variable(counts)  // [batch, width]
        return TextEncoding(pooled: projection(pooled), tokenStates: includingTokenStates ? states : nil, tokens: tokens)
    }

    public func checkVocabulary() throws {
        // fairseq's shift puts the last piece at vocabularySize (and <mask> after it).
        let rows = transformer.configuration.vocabularySize
        guard rows > tokenizer.vocabularySize else {
            throw ModelError.vocabularyTooSmall(vocabularySize: rows, tokenID: tokenizer.vocabularySize)
        }
    }

    /// M-CLIP's names → this encoder's: the transformer's pooler and index buffers are unused.
    public static let weightMapping = WeightMapping(ignoredNames: [
        #"^transformer\.pooler\."#, #"(^|\.)embeddings\.(position_ids|token_type_ids)$"#,
    ])

    /// An M-CLIP model folder: `config.json`, `pytorch_model.bin` or `model.safetensors`, and
    /// `sentencepiece.bpe.model`. The encoder's shape is read off the tensors (heads = width /
    /// `headWidth` unless the config names them).
    public static func load(directory: URL, headWidth: Int = 64) throws -> MultilingualCLIPTextEncoder {
        let configuration = try MultilingualCLIPConfiguration(contentsOf: directory.appendingPathComponent("config.json"))
        let weightsURL = try BERTModel.weightFile(in: directory)
        let tokenizerURL = directory.appendingPathComponent("sentencepiece.bpe.model")
        guard FileManager.default.fileExists(atPath: tokenizerURL.path) else {
            throw ModelError.missingFile(directory: directory.path, expected: ["sentencepiece.bpe.model"])
        }
        let tensors = try CheckpointFormat.loadTensors(contentsOf: weightsURL)
        let source = weightsURL.lastPathComponent
        let width = tensors["transformer.embeddings.word_embeddings.weight"]?.shape.last ?? configuration.transformerDimensions
        let activationName = configuration.hiddenActivation ?? "gelu"
        guard let activation = BERTConfiguration.activation(named: activationName) else {
            throw ModelError.unsupportedConfiguration(source: source, reason: "hidden_act \(activationName)")
        }
        let encoderConfiguration = try BERTConfiguration.inferred(
            fromShapes: tensors.mapValues(\.shape), prefix: "transformer.",
            headWidth: configuration.attentionHeads.map { width / $0 } ?? headWidth, hiddenActivation: activation,
            layerNormEpsilon: configuration.layerNormEpsilon ?? 1e-5, paddingTokenID: configuration.paddingTokenID ?? 1, source: source)
        guard encoderConfiguration.hiddenSize == configuration.transformerDimensions else {
            throw ModelError.unsupportedConfiguration(
                source: source, reason: "the transformer is \(encoderConfiguration.hiddenSize) wide, config.json says \(configuration.transformerDimensions)")
        }
        let encoder = MultilingualCLIPTextEncoder(
            transformer: BERTModel(encoderConfiguration, includesPooler: false),
            projection: Linear(inFeatures: configuration.transformerDimensions, outFeatures: configuration.embeddingDimension),
            tokenizer: try SentencePieceTokenizer(modelFile: tokenizerURL))
        try encoder.loadWeights(tensors, mapping: weightMapping, source: source)
        try encoder.checkVocabulary()
        return encoder
    }
}
