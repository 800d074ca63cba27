import Autograd
import Models
import NN
import Tokenizers

/// A sentence-transformers model (BERT encoder + pooling, e.g. all-MiniLM-L6-v2 with mean
/// pooling; Reimers & Gurevych 2019) as a training `TextTower`: captions → WordPiece →
/// BERT → masked mean (or the model's pooling) → L2 normalisation when the model has it,
/// `[texts, hiddenSize]`, all on the tape. Dropout is not applied (BERT here has none), so a
/// training forward equals the inference forward. Parameter names are Hugging Face
/// `BertModel`'s (`embeddings.…`, `encoder.layer.<l>.…`).
public struct SentenceTextEncoder: TextTower {
    @Key("") public var model: SentenceTransformer

    public init(_ model: SentenceTransformer) {
        self.model = model
    }

    public var featureWidth: Int { model.embeddingDimension }

    /// The padded batch of `texts` (lower-cased first when the model asks for it).
    public func input(_ texts: [String]) -> BERTInput {
        let prepared = model.configuration.lowercasesInput ? texts.map { $0.lowercased() } : texts
        // maximumSequenceLength ≥ 2 for every loadable model, the only way encodeBatch throws.
        let batch = try! model.tokenizer.encodeBatch(prepared, maximumLength: model.maximumSequenceLength, padding: .longest)
        return BERTInput(batch)
    }

    public func features(_ texts: [String]) -> Variable { model(input(texts)) }
}
