import Autograd
import Foundation
import Tensor

extension Losses {
    /// The symmetric InfoNCE loss of CLIP (Radford et al. 2021; van den Oord et al. 2018 for
    /// InfoNCE): with L2-normalised image and text embeddings I, T `[N, D]` of N matching pairs and
    /// logits = e^s · I·Tᵀ, loss = ½·(CE(logits, diag) + CE(logitsᵀ, diag)). `logScale` is the
    /// learnable s (a scalar, initialised to ln(1/0.07)); keep e^s ≤ 100 by calling
    /// `clampLogitScale` after each optimiser step, as CLIP's training does.
    public static func clip(imageEmbeddings: Variable, textEmbeddings: Variable, logScale: Variable) -> Variable {
        precondition(imageEmbeddings.shape == textEmbeddings.shape && imageEmbeddings.shape.count == 2,
                     "CLIP loss needs two [N, D] embedding batches, got \(imageEmbeddings.shape) and \(textEmbeddings.shape)")
        let count = imageEmbeddings.shape[0]
        let images = imageEmbeddings.l2NormalizedRows(), texts = textEmbeddings.l2NormalizedRows()
        let logits = Variable.matmul(images, texts, transposeB: true) * logScale.exp().reshaped([1, 1])  // [N, N]
        let targets = Array(0..<count)
        return (crossEntropy(logits: logits, targets: targets) + crossEntropy(logits: logits.transposed(), targets: targets)) * 0.5
    }

    /// ln(1/0.07), CLIP's initial logit scale.
    public static let initialLogScale = Float(Foundation.log(1 / 0.07))

    /// Clamps a log-scale parameter into [0, ln 100] in place.
    public static func clampLogitScale(_ parameter: Parameter) {
        parameter.value = parameter.value.clamped(0, Float(Foundation.log(100.0)))
    }
}

