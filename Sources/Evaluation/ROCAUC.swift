/// The area under the receiver operating characteristic curve of scores for a binary label
/// (Hanley & McNeil 1982): the probability that a random positive scores above a random
/// negative, ties counting one half,
///
///     AUC = (Σ_{positives} rank(s) − n₊(n₊ + 1)/2) / (n₊ · n₋)
///
/// with ranks of all scores, tied scores sharing their mean rank: the Mann–Whitney U statistic,
/// equal to the trapezoidal area scikit-learn's `roc_auc_score` computes. SA-CLIP reports its
/// anomaly scores this way (Li et al. 2025, Table 2).
public enum ROCAUC {
    /// The AUC of `scores` against `labels` (true: positive). Throws when a side is empty or a
    /// score is not finite.
    public static func area(scores: [Double], labels: [Bool]) throws -> Double {
        guard scores.count == labels.count else {
            throw EvaluationError.shapeMismatch(detail: "\(scores.count) scores for \(labels.count) labels")
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) { throw EvaluationError.nonFinite(name: "scores", row: bad) }
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0 else { throw EvaluationError.empty(name: "the positive examples") }
        guard negatives > 0 else { throw EvaluationError.empty(name: "the negative examples") }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let meanRank = Double(start + end + 2) / 2  // ranks are 1-based
            for position in start...end where labels[order[position]] { rankSum += meanRank }
            start = end + 1
        }
        let p = Double(positives)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }
}
