import Tensor

/// Accuracy of a classifier, accumulated batch by batch from its scores: top-k accuracy (the
/// true class is among the k highest scores), per-class top-1 accuracy (recall of each class)
/// and the confusion matrix of top-1 predictions. Equal scores rank by class index, lower first,
/// so top-1 hits and the confusion matrix's diagonal always agree.
public struct ClassificationAccuracy: Sendable {
    public let classCount: Int
    /// The k values reported, ascending.
    public let ks: [Int]
    /// Examples added so far.
    public private(set) var count = 0
    /// Examples whose true class ranked below k, for each k of `ks`.
    public private(set) var hits: [Int: Int]
    /// `confusion[true][predicted]`: counts of top-1 predictions.
    public private(set) var confusion: [[Int]]

    public init(classCount: Int, ks: [Int] = [1, 5]) throws {
        guard classCount > 0 else { throw EvaluationError.empty(name: "the class list") }
        for k in ks where k <= 0 { throw EvaluationError.invalidK(k) }
        self.classCount = classCount
        self.ks = Array(Set(ks)).sorted()
        hits = Dictionary(uniqueKeysWithValues: self.ks.map { ($0, 0) })
        confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
    }

    /// Adds a batch: `scores` `[labels.count, classCount]` (probabilities or logits), `labels` the true classes.
    public mutating func add(scores: Tensor, labels: [Int]) throws {
        guard scores.rank == 2, scores.shape[0] == labels.count, scores.shape[1] == classCount else {
            throw EvaluationError.shapeMismatch(detail: "scores \(scores.shape) for \(labels.count) labels of \(classCount) classes")
        }
        for (row, label) in labels.enumerated() {
            guard label >= 0 && label < classCount else {
                throw EvaluationError.shapeMismatch(detail: "label \(label) of example \(count + row) is outside 0..<\(classCount)")
            }
            let values = UnsafeBufferPointer(start: scores.pointer + row * classCount, count: classCount)
            guard values.allSatisfy(\.isFinite) else { throw EvaluationError.nonFinite(name: "scores", row: count + row) }
            let trueScore = values[label]
            var rank = 0
            for index in 0..<classCount where values[index] > trueScore || (values[index] == trueScore && index < label) {
                rank += 1
            }
            for k in ks where rank < k { hits[k, default: 0] += 1 }
            // Top-1 prediction: the highest score, the lowest index among equals.
            var predicted = 0
            for index in 1..<classCount where values[index] > values[predicted] { predicted = index }
            confusion[label][predicted] += 1
        }
        count += labels.count
    }

    /// Fraction of examples whose true class is among the top `k` (k must be one of `ks`).
    public func accuracy(k: Int) -> Double {
        precondition(hits[k] != nil, "top-\(k) accuracy was not accumulated; ks are \(ks)")
        return count == 0 ? 0 : Double(hits[k]!) / Double(count)
    }

    /// Examples of each class.
    public var classCounts: [Int] { confusion.map { $0.reduce(0, +) } }

    /// Top-1 accuracy within each class (0 for a class without examples).
    public var perClassAccuracy: [Double] {
        (0..<classCount).map { label in
            let total = confusion[label].reduce(0, +)
            return total == 0 ? 0 : Double(confusion[label][label]) / Double(total)
        }
    }

    /// The mean of `perClassAccuracy` over classes that have examples.
    public var balancedAccuracy: Double {
        let present = (0..<classCount).filter { classCounts[$0] > 0 }
        return present.isEmpty ? 0 : present.map { perClassAccuracy[$0] }.reduce(0, +) / Double(present.count)
    }
}
