/// Recall@K of retrieval: the fraction of queries with at least one relevant item among their
/// top K results (with several captions per image, any of them counts).
public enum RecallAtK {
    /// The K values the competition paper and Chinese-CLIP report.
    public static let standardKs = [1, 5, 10]

    /// Recall at each K from the 0-based ranks of each query's first relevant item.
    public static func recall(ranks: [Int], ks: [Int] = standardKs) throws -> [Int: Double] {
        guard !ranks.isEmpty else { throw EvaluationError.empty(name: "the ranks") }
        var result: [Int: Double] = [:]
        for k in ks {
            guard k > 0 else { throw EvaluationError.invalidK(k) }
            result[k] = Double(ranks.lazy.filter { $0 < k }.count) / Double(ranks.count)
        }
        return result
    }
}
