import Autograd
import Tensor

extension Losses {
    /// The inter-sample contrastive loss of SA-CLIP (Li, Shao, Rajapaksha & Crespi 2025, Eq. 9),
    /// the supervised contrastive loss of Khosla et al. 2020 ("Supervised Contrastive Learning",
    /// L_out) over one modality: for M embeddings zᵢ (L2-normalised here) with positive sets P(i)
    /// (other samples whose subject–relation–object triples match sample i's),
    ///
    ///     L = −(1/|A|) Σ_{i∈A} (1/|P(i)|) Σ_{j∈P(i)} log( exp(zᵢ·zⱼ/τ) / Σ_{k≠i} exp(zᵢ·z_k/τ) )
    ///
    /// where A are the samples with at least one positive and the denominator runs over the other
    /// M − 1 samples (the paper's 2N − 1 for a batch of N anchors and their N positives). Samples
    /// are grouped by `keys`: i and j are positives when `keys[i] == keys[j]`. Zero when no
    /// sample has a positive.
    public static func interSampleContrastive(embeddings: Variable, keys: [Int], temperature: Float) -> Variable {
        let count = embeddings.shape[0]
        precondition(embeddings.shape.count == 2 && keys.count == count,
                     "inter-sample contrastive loss needs [M, D] embeddings and M keys, got \(embeddings.shape) and \(keys.count)")
        precondition(temperature > 0, "the temperature must be positive")
        var diagonal = [Float](repeating: 0, count: count * count)
        var positives = [Float](repeating: 0, count: count * count)
        var anchors = 0
        for row in 0..<count {
            diagonal[row * count + row] = -1e4
            let members = (0..<count).filter { $0 != row && keys[$0] == keys[row] }
            guard !members.isEmpty else { continue }
            anchors += 1
            for column in members { positives[row * count + column] = 1 / Float(members.count) }
        }
        guard anchors > 0 else { return (embeddings * 0).sum() }
        let normalized = embeddings.l2NormalizedRows()  // [M, D]
        let logits = Variable.matmul(normalized, normalized, transposeB: true) * (1 / temperature)
            + Variable(Tensor(shape: [count, count], scalars: diagonal))  // [M, M], self-similarity masked
        let logProbabilities = logits.logSoftmax()  // [M, M]
        return -(logProbabilities * Variable(Tensor(shape: [count, count], scalars: positives))).sum() * (1 / Float(anchors))
    }
}
