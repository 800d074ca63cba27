/// A face-verification decision rule fitted on labelled pairs: "same person" when the similarity
/// of two embeddings is at least `threshold`, with `threshold` chosen to maximise the accuracy on
/// the fitting pairs (the LFW protocol's rule, Huang et al. 2007; fit it on pairs of people the
/// embedder never saw). The threshold sits halfway between the best cut's score and the next lower
/// distinct score, so scores equal to a fitting score keep their decision.
public struct VerificationThreshold: Sendable, Equatable, Codable {
    public let threshold: Double
    /// Accuracy on the fitting pairs.
    public let accuracy: Double
    /// Genuine (same-person) pairs accepted, on the fitting pairs.
    public let truePositiveRate: Double
    /// Impostor pairs accepted, on the fitting pairs.
    public let falsePositiveRate: Double
    /// Area under the fitting pairs' ROC curve.
    public let areaUnderCurve: Double

    /// Fits the threshold on `scores` of pairs labelled same (true) or different (false).
    public init(scores: [Double], sameIdentity: [Bool]) throws {
        let curve = try ROCCurve(scores: scores, labels: sameIdentity)
        let (positives, negatives) = (Double(curve.positives), Double(curve.negatives))
        let total = positives + negatives
        // Accuracy at each operating point: (TP + TN)/total.
        let accuracies = curve.points.map { ($0.truePositiveRate * positives + (1 - $0.falsePositiveRate) * negatives) / total }
        let best = accuracies.indices.max { accuracies[$0] < accuracies[$1] }!
        let point = curve.points[best]
        let next = best + 1 < curve.points.count ? curve.points[best + 1].threshold : nil
        if point.threshold.isInfinite {
            threshold = (curve.points[1].threshold) + 1  // reject everything: above the highest score
        } else {
            threshold = next.map { (point.threshold + $0) / 2 } ?? point.threshold - 1
        }
        accuracy = accuracies[best]
        truePositiveRate = point.truePositiveRate
        falsePositiveRate = point.falsePositiveRate
        areaUnderCurve = curve.area
    }

    /// Whether a pair with this similarity is judged the same person.
    public func accepts(_ score: Double) -> Bool { score >= threshold }
}
