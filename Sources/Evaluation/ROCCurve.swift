/// The receiver operating characteristic of scores for a binary label (Fawcett 2006, "An
/// introduction to ROC analysis"): predicting positive when score ≥ t, for every distinct score t
/// from the highest down, the false-positive and true-positive rates; the area under it by the
/// trapezoid rule, which equals the probability that a random positive outscores a random negative
/// (ties counting one half), as scikit-learn's `roc_auc_score`.
public struct ROCCurve: Sendable, Equatable {
    /// One operating point.
    public struct Point: Sendable, Equatable {
        public let threshold: Double
        public let falsePositiveRate: Double
        public let truePositiveRate: Double
    }

    /// From (0, 0) at threshold +∞ to (1, 1), thresholds descending.
    public let points: [Point]
    public let positives: Int
    public let negatives: Int

    /// The curve of `scores` with `labels` (true = positive); needs both classes, finite scores.
    public init(scores: [Double], labels: [Bool]) throws {
        guard scores.count == labels.count else {
            throw EvaluationError.shapeMismatch(detail: "\(scores.count) scores for \(labels.count) labels")
        }
        if let row = scores.firstIndex(where: { !$0.isFinite }) { throw EvaluationError.nonFinite(name: "scores", row: row) }
        positives = labels.filter { $0 }.count
        negatives = labels.count - positives
        guard positives > 0 else { throw EvaluationError.empty(name: "the positive examples") }
        guard negatives > 0 else { throw EvaluationError.empty(name: "the negative examples") }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points = [Point(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
        var truePositives = 0, falsePositives = 0, index = 0
        while index < order.count {
            let threshold = scores[order[index]]
            while index < order.count && scores[order[index]] == threshold {
                if labels[order[index]] { truePositives += 1 } else { falsePositives += 1 }
                index += 1
            }
            points.append(Point(threshold: threshold, falsePositiveRate: Double(falsePositives) / Double(negatives),
                                truePositiveRate: Double(truePositives) / Double(positives)))
        }
        self.points = points
    }

    /// The area under the curve.
    public var area: Double {
        zip(points, points.dropFirst()).reduce(0) { total, pair in
            total + (pair.1.falsePositiveRate - pair.0.falsePositiveRate) * (pair.1.truePositiveRate + pair.0.truePositiveRate) / 2
        }
    }
}
