import Autograd
import NN
import Tensor

/// The text reconstruction loss L_TRL (the seed paper's Eq. 9; Xu et al. 2015, Eq. 14): the
/// words' cross-entropy plus the doubly stochastic attention penalty, which asks every region to
/// receive about one unit of attention over the whole caption:
///
///     L_word = −(1/N) Σ_b Σ_{k valid} log p(t_bk)                 N = number of valid words
///     L_att  = (1/(B·L)) Σ_b Σ_i (1 − Σ_{k valid} β_bki)²
///     L_TRL  = L_word + λ·L_att
///
/// Eq. 9 sums both terms; here the words are averaged over the valid steps and the penalty over
/// images and regions (the scale Xu et al.'s and sgrvinod's implementations train with), so λ and
/// learning rates do not depend on caption length or batch size. A step is valid when its target
/// is not `<pad>`; padded steps contribute neither a word nor attention.
public struct TextReconstructionLoss {
    public var wordCrossEntropy: Variable
    public var attentionPenalty: Variable
    public var total: Variable

    /// The loss of step logits `[batch, steps, S]` for `targets` `[batch][steps]` (`paddingIndex`
    /// marks steps past a caption's end) with the attention weights `[batch, steps, L]`.
    public init(logits: Variable, targets: [[Int]], attention: Variable, penaltyWeight: Float,
                paddingIndex: Int = CaptionerVocabulary.paddingIndex) {
        let batch = logits.shape[0], steps = logits.shape[1], vocabulary = logits.shape[2]
        precondition(targets.count == batch && targets.allSatisfy { $0.count == steps },
                     "targets must be [\(batch)][\(steps)], got \(targets.map(\.count))")
        precondition(attention.shape.count == 3 && attention.shape[0] == batch && attention.shape[1] == steps,
                     "attention must be [\(batch), \(steps), L], got \(attention.shape)")
        let regions = attention.shape[2]
        let flat = targets.flatMap { $0 }
        let valid = flat.map { $0 != paddingIndex }
        let validCount = max(1, valid.filter { $0 }.count)
        let selection = Tensor(shape: [batch * steps, vocabulary]) { buffer in  // one-hot of valid targets
            buffer.initialize(repeating: 0)
            for (row, target) in flat.enumerated() where valid[row] {
                precondition(target >= 0 && target < vocabulary, "target \(target) outside 0..<\(vocabulary)")
                buffer[row * vocabulary + target] = 1
            }
        }
        let logProbabilities = logits.reshaped([batch * steps, vocabulary]).logSoftmax()  // [batch·steps, S]
        wordCrossEntropy = -(logProbabilities * Variable(selection)).sum() * (1 / Float(validCount))
        let mask = Tensor(shape: [batch, steps, 1], scalars: valid.map { $0 ? 1 : 0 })
        let received = (attention * Variable(mask)).sum(alongAxis: 1)  // [batch, L]: Σ_k β_bki
        attentionPenalty = (1 - received).squared().sum() * (1 / Float(batch * regions))
        total = wordCrossEntropy + attentionPenalty * penaltyWeight
    }
}
