/// Where to cut a ranked result list so that weak matches are hidden, decided per query: cosine
/// scores of relevant results sit at different levels for different queries, so no fixed
/// threshold works. The list is cut at the **largest gap** between consecutive scores among the
/// first `window` results: with scores s₁ ≥ s₂ ≥ … ≥ sₙ, keep the first i* results where
/// i* = argmaxᵢ (sᵢ − sᵢ₊₁). This is the "elbow" / largest-gap heuristic of score-distribution
/// cutoffs (cf. Arampatzis, Kamps & Robertson, "Where to stop reading a ranked list?", SIGIR 2009,
/// who fit a score mixture; the gap rule needs no fit and behaves the same on a clear break).
public enum RelevanceCutoff {
    /// How many leading results to keep (at least 1; all of them for lists shorter than 3).
    public static func keptCount(scores: [Float], window: Int = 50) -> Int {
        let considered = min(scores.count, window)
        guard considered >= 3 else { return scores.count }
        var best = 1, widest = -Float.infinity
        for position in 1..<considered {
            let gap = scores[position - 1] - scores[position]
            if gap > widest {
                widest = gap
                best = position
            }
        }
        return best
    }
}
