import Autograd
import NN

/// A text encoder for contrastive training: it owns its tokenizer, so the training loop passes
/// plain captions (`CLIPTextEncoder` with byte-level BPE, `SentenceTextEncoder` with WordPiece).
public protocol TextTower: Module {
    /// Width of the feature vector of one text.
    var featureWidth: Int { get }
    /// `texts.count` captions → `[texts.count, featureWidth]`.
    func features(_ texts: [String]) -> Variable
    /// The tower's own final projection weights (CLIP's `text_projection`), which stay trainable
    /// when `TowerLocking.projectionsOnly` freezes the rest. Default: none.
    var outputProjections: [Parameter] { get }
}

extension TextTower {
    public var outputProjections: [Parameter] { [] }
}
