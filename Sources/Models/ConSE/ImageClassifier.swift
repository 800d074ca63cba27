import Autograd
import NN
import Tensor

/// A network that classifies images over a fixed label set: what ConSE turns into an image
/// embedding (Norouzi et al. 2014).
public protocol ImageClassifier: Module {
    /// Class logits `[batch, classes]` on the tape.
    func logits(_ images: Variable) -> Variable
    /// Class probabilities softmax(logits) `[batch, classes]` without a tape, each row summing to 1.
    func classProbabilities(_ images: Tensor) -> Tensor
}

extension EfficientNet: ImageClassifier {
    public func logits(_ images: Variable) -> Variable { self(images) }
}
