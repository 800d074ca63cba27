import Autograd
import NN

/// A text encoder for contrastive training: it owns its tokenizer, so the training loop passes
/// plain captions (a CLIP text transformer with BPE, BERT/RoBERTa with WordPiece when they land
/// in Models).
public protocol TextTower: ParameterGroup {
    /// Width of the feature vector of one text.
    var featureWidth: Int { get }
    /// `texts.count` captions → `[texts.count, featureWidth]`.
    func features(_ texts: [String], mode: ForwardMode) -> Variable
}
