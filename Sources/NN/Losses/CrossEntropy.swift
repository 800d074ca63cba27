import Autograd
import Tensor

public enum Losses {
    /// Mean cross-entropy −(1/N)·Σᵢ log softmax(zᵢ)[yᵢ] of logits `[N, classes]` against class
    /// indices (PyTorch's `cross_entropy` with mean reduction).
    public static func crossEntropy(logits: Variable, targets: [Int]) -> Variable {
        precondition(logits.shape.count == 2 && logits.shape[0] == targets.count,
                     "crossEntropy needs [N, classes] logits and N targets, got \(logits.shape) and \(targets.count)")
        let oneHot = Tensor.oneHot(targets, classes: logits.shape[1])
        return -(logits.logSoftmax() * Variable(oneHot)).sum() * (1 / Float(targets.count))
    }
}

extension Tensor {
    /// `[indices.count, classes]` with a 1 at each row's index.
    public static func oneHot(_ indices: [Int], classes: Int) -> Tensor {
        Tensor(shape: [indices.count, classes]) { buffer in
            buffer.initialize(repeating: 0)
            for (row, index) in indices.enumerated() {
                precondition(index >= 0 && index < classes, "class index \(index) outside 0..<\(classes)")
                buffer[row * classes + index] = 1
            }
        }
    }
}
