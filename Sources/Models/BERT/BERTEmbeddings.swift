import Autograd
import NN
import Tensor

/// BERT's input embeddings (Devlin et al. 2019, §3): the sum of a word, a position and a token-type
/// (segment) embedding, layer-normalised; dropout is the identity at inference.
///
///     e = LN(W_word[id] + W_position[position] + W_type[type])
///
/// Parameter names are Hugging Face's: `word_embeddings.weight`, `position_embeddings.weight`,
/// `token_type_embeddings.weight`, `LayerNorm.weight`, `LayerNorm.bias`.
public struct BERTEmbeddings: Module {
    public let positionNumbering: BERTConfiguration.PositionNumbering
    public let paddingTokenID: Int
    @Key("word_embeddings") public var wordEmbeddings: Embedding
    @Key("position_embeddings") public var positionEmbeddings: Embedding
    @Key("token_type_embeddings") public var tokenTypeEmbeddings: Embedding
    @Key("LayerNorm") public var layerNorm: LayerNorm

    public init(_ configuration: BERTConfiguration) {
        positionNumbering = configuration.positionNumbering
        paddingTokenID = configuration.paddingTokenID
        wordEmbeddings = Embedding(vocabulary: configuration.vocabularySize, width: configuration.hiddenSize)
        positionEmbeddings = Embedding(vocabulary: configuration.maximumPositions, width: configuration.hiddenSize)
        tokenTypeEmbeddings = Embedding(vocabulary: configuration.tokenTypes, width: configuration.hiddenSize)
        layerNorm = LayerNorm(width: configuration.hiddenSize, epsilon: configuration.layerNormEpsilon)
    }

    /// `[batch, length, hiddenSize]` embeddings of `input`.
    public func callAsFunction(_ input: BERTInput) -> Variable {
        let width = wordEmbeddings.weight.value.shape[1]
        let positions = positionIDs(input)
        let limit = positionEmbeddings.weight.value.shape[0]
        precondition(positions.allSatisfy { $0 < limit },
                     "input of \(input.length) tokens needs more than the \(limit) position embeddings")
        let words = wordEmbeddings(input.tokenIDs)  // [batch·length, width]
        let types = tokenTypeEmbeddings(input.tokenTypeIDs)  // [batch·length, width]
        let sum = words + types + positionEmbeddings(positions)  // [batch·length, width]
        return layerNorm(sum).reshaped([input.batch, input.length, width])  // [batch, length, width]
    }

    /// Position ids `[batch·length]` under the configuration's numbering.
    public func positionIDs(_ input: BERTInput) -> [Int] {
        switch positionNumbering {
        case .sequential:
            return (0..<input.batch).flatMap { _ in 0..<input.length }
        case .afterPadding:
            var result = [Int](repeating: paddingTokenID, count: input.tokenIDs.count)
            for row in 0..<input.batch {
                var counted = 0
                for column in 0..<input.length where input.tokenIDs[row * input.length + column] != paddingTokenID {
                    counted += 1
                    result[row * input.length + column] = paddingTokenID + counted
                }
            }
            return result
        }
    }
}
