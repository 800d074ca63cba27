import Autograd
import Tensor

/// Online triplet selection inside a labelled batch (Hermans, Beyer & Leibe 2017 for batch-hard;
/// Schroff et al. 2015 for semi-hard).
public enum TripletMining: String, Codable, Sendable {
    /// For each anchor the farthest positive and the closest negative.
    case batchHard = "batch_hard"
    /// For each anchor–positive pair the closest negative that is still farther than the
    /// positive but within the margin; the hardest negative when none is.
    case semiHard = "semi_hard"

    /// Margin triplet loss over the triplets this strategy picks from `embeddings` `[N, D]` with
    /// `labels`. Anchors without a positive or a negative in the batch are skipped.
    public func loss(embeddings: Variable, labels: [Int], margin: Float,
                     distance: EmbeddingDistance = .squaredEuclidean) -> Variable {
        let count = labels.count
        precondition(embeddings.shape.first == count, "\(count) labels for embeddings \(embeddings.shape)")
        let distances = distance.pairwise(embeddings)  // [N, N]
        let values = distances.value
        var positiveSelection: [Int] = [], negativeSelection: [Int] = []
        for anchor in 0..<count {
            let positives = (0..<count).filter { $0 != anchor && labels[$0] == labels[anchor] }
            let negatives = (0..<count).filter { labels[$0] != labels[anchor] }
            guard !positives.isEmpty, !negatives.isEmpty else { continue }
            let row = { (column: Int) in values[indices: anchor, column] }
            let hardestNegative = negatives.min { row($0) < row($1) }!
            switch self {
            case .batchHard:
                positiveSelection.append(anchor * count + positives.max { row($0) < row($1) }!)
                negativeSelection.append(anchor * count + hardestNegative)
            case .semiHard:
                for positive in positives {
                    let positiveDistance = row(positive)
                    let semiHard = negatives.filter { row($0) > positiveDistance && row($0) < positiveDistance + margin }
                    let negative = semiHard.min { row($0) < row($1) } ?? hardestNegative
                    positiveSelection.append(anchor * count + positive)
                    negativeSelection.append(anchor * count + negative)
                }
            }
        }
        precondition(!positiveSelection.isEmpty, "the batch has no anchor with both a positive and a negative")
        // Pick the chosen matrix entries as rows of the flattened distance matrix.
        let flat = distances.reshaped([count * count, 1])
        let positiveDistances = Variable.gather(rowsOf: flat, indices: positiveSelection)
        let negativeDistances = Variable.gather(rowsOf: flat, indices: negativeSelection)
        return (positiveDistances - negativeDistances + margin).relu().mean()
    }
}
