import Autograd
import Models
import NN
import Tokenizers

/// CLIP's causal text transformer with its byte-level BPE tokenizer (Radford et al. 2021) as a
/// training `TextTower`: captions → `[texts, outputDimension]` projected features on the tape.
///
/// Captions are tokenised to the model's context length as open_clip does, then cut to the
/// batch's longest text (end-of-text included): attention is causal and pooling reads the
/// end-of-text token, so the trailing padding never changes a feature and only costs time.
public struct CLIPTextEncoder: TextTower {
    public let tokenizer: CLIPTokenizer
    @Key("") public var transformer: TextTransformer

    public init(_ transformer: TextTransformer, tokenizer: CLIPTokenizer) {
        self.tokenizer = tokenizer
        self.transformer = transformer
    }

    public var featureWidth: Int { transformer.configuration.outputDimension }

    public var outputProjections: [Parameter] { [transformer.projection] }

    /// Token rows of `texts`, cut to the longest text of the batch.
    public func tokenIDs(_ texts: [String]) -> [[Int]] {
        let context = transformer.configuration.contextLength
        // Captions are plain strings; a tokenizer failure here is a programming error.
        let batch = try! tokenizer.tokenize(texts, contextLength: context)
        let length = (batch.endOfTextPositions.max() ?? 0) + 1
        return (0..<texts.count).map { row in batch.row(row).prefix(length).map { Int($0) } }
    }

    public func features(_ texts: [String]) -> Variable { transformer(tokenIDs(texts)) }
}
