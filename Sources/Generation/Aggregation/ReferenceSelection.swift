import Tensor

/// Which photos of a subject are references and which is the target (the seed paper's Eq. 1 and
/// §3.5): in training, from a subject's n photos one index j ~ U{1 … n} is dropped and becomes
/// the target, the other n − 1 the references; at inference a model trained on k references
/// takes the first k when given more and draws with replacement (bootstrap) up to k when given
/// fewer. All draws come from the caller's seeded generator.
public enum ReferenceSelection {
    /// A target index drawn uniformly from `0..<count` and the remaining indices in order.
    public static func leaveOneOut(count: Int, generator: inout SeededGenerator) -> (target: Int, references: [Int]) {
        precondition(count >= 2, "leaving one out needs at least 2 photos, got \(count)")
        let target = Int(generator.next() % UInt64(count))
        return (target, (0..<count).filter { $0 != target })
    }

    /// Exactly `count` of `available` reference indices: the first `count`, or all of them plus
    /// bootstrap draws (with replacement) when there are fewer.
    public static func fitted(_ available: [Int], to count: Int, generator: inout SeededGenerator) -> [Int] {
        precondition(!available.isEmpty && count >= 1, "need at least one reference and a positive count")
        if available.count >= count { return Array(available.prefix(count)) }
        return available + (available.count..<count).map { _ in available[Int(generator.next() % UInt64(available.count))] }
    }
}
