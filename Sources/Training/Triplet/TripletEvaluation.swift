import Foundation
import Tensor

/// How well embeddings separate classes, the notebook's tests plus retrieval:
/// - triplet accuracy: the fraction of held-out triplets with d(a, p) < d(a, n);
/// - image→image R@1: the fraction of images whose nearest other image has the same class;
/// - thresholded similarity: pairs called "same" when d < threshold, scored on the triplets'
///   (a, p) and (a, n) pairs, at the configured threshold and at the best one.
/// Distances are squared Euclidean.
public struct TripletEvaluation: Codable, Sendable, Equatable {
    public var tripletAccuracy: Double
    public var recallAt1: Double
    public var thresholdAccuracy: Double
    public var threshold: Float
    public var bestThresholdAccuracy: Double
    public var bestThreshold: Float
    /// Mean d(a, p) and d(a, n) over the evaluation triplets.
    public var meanPositiveDistance: Double
    public var meanNegativeDistance: Double

    /// The metrics as named values (for metric logs).
    public var metrics: [String: Double] {
        ["triplet_accuracy": tripletAccuracy, "recall_at_1": recallAt1, "threshold_accuracy": thresholdAccuracy,
         "mean_positive_distance": meanPositiveDistance, "mean_negative_distance": meanNegativeDistance]
    }

    public static let metricNames = ["triplet_accuracy", "recall_at_1", "threshold_accuracy",
                                     "mean_positive_distance", "mean_negative_distance"]

    /// Evaluates `embeddings` `[N, D]` of images with `labels` on `triplets`.
    public static func evaluate(embeddings: Tensor, labels: [Int], triplets: [TripletIndices], threshold: Float) -> TripletEvaluation {
        precondition(embeddings.rank == 2 && embeddings.shape[0] == labels.count, "one embedding row per label")
        let width = embeddings.shape[1]
        func distance(_ a: Int, _ b: Int) -> Float {
            var total: Float = 0
            let rowA = embeddings.pointer + a * width, rowB = embeddings.pointer + b * width
            for index in 0..<width { let d = rowA[index] - rowB[index]; total += d * d }
            return total
        }
        var correct = 0
        var positives: [Float] = [], negatives: [Float] = []
        for triplet in triplets {
            let positive = distance(triplet.anchor, triplet.positive), negative = distance(triplet.anchor, triplet.negative)
            if positive < negative { correct += 1 }
            positives.append(positive)
            negatives.append(negative)
        }
        let pairs = Double(2 * triplets.count)
        func accuracy(at threshold: Float) -> Double {
            Double(positives.filter { $0 < threshold }.count + negatives.filter { $0 >= threshold }.count) / pairs
        }
        // Candidate thresholds: every observed distance (and +∞), sorted.
        var best = (accuracy: accuracy(at: .infinity), threshold: Float.infinity)
        let candidates = (positives + negatives).sorted()
        let sortedPositives = positives.sorted(), sortedNegatives = negatives.sorted()
        var positiveBelow = 0, negativeBelow = 0
        for candidate in candidates {
            while positiveBelow < sortedPositives.count && sortedPositives[positiveBelow] < candidate { positiveBelow += 1 }
            while negativeBelow < sortedNegatives.count && sortedNegatives[negativeBelow] < candidate { negativeBelow += 1 }
            let value = Double(positiveBelow + (sortedNegatives.count - negativeBelow)) / pairs
            if value > best.accuracy { best = (value, candidate) }
        }
        return TripletEvaluation(
            tripletAccuracy: Double(correct) / Double(max(triplets.count, 1)),
            recallAt1: recallAtOne(embeddings: embeddings, labels: labels),
            thresholdAccuracy: accuracy(at: threshold), threshold: threshold,
            bestThresholdAccuracy: best.accuracy, bestThreshold: best.threshold,
            meanPositiveDistance: positives.reduce(0) { $0 + Double($1) } / Double(max(positives.count, 1)),
            meanNegativeDistance: negatives.reduce(0) { $0 + Double($1) } / Double(max(negatives.count, 1)))
    }

    /// Fraction of rows whose nearest other row (squared Euclidean) has the same label; distances
    /// come from ‖a‖² + ‖b‖² − 2a·b, 512 query rows at a time.
    public static func recallAtOne(embeddings: Tensor, labels: [Int]) -> Double {
        let count = embeddings.shape[0], width = embeddings.shape[1]
        guard count > 1 else { return 0 }
        let squares = embeddings.squared().sum(alongAxis: 1).scalars
        var hits = 0
        for start in stride(from: 0, to: count, by: 512) {
            let rows = min(512, count - start)
            let products = Tensor.matmul(embeddings.slice(start..<(start + rows)), embeddings, transposeB: true)  // [rows, count]
            for row in 0..<rows {
                let query = start + row
                let line = products.pointer + row * count
                var bestDistance = Float.infinity, bestIndex = -1
                for column in 0..<count where column != query {
                    let distance = squares[query] + squares[column] - 2 * line[column]
                    if distance < bestDistance { bestDistance = distance; bestIndex = column }
                }
                if bestIndex >= 0 && labels[bestIndex] == labels[query] { hits += 1 }
            }
        }
        _ = width
        return Double(hits) / Double(count)
    }

    /// A fixed set of `count` evaluation triplets over `labels`, drawn with `seed`.
    public static func triplets(labels: [Int], classCount: Int, count: Int, seed: UInt64) -> [TripletIndices] {
        var sampler = TripletSampler(labels: labels, classCount: classCount, generator: SeededGenerator(seed: seed))
        return sampler.next(count)
    }
}
