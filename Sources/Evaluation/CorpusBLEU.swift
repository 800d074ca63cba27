import Foundation

/// Corpus-level BLEU (Papineni et al. 2002, "BLEU: a Method for Automatic Evaluation of Machine
/// Translation") with NLTK's `corpus_bleu` semantics and no smoothing:
///
///     pₙ = Σ_hyp Σ_g min(count_hyp(g), max_ref count_ref(g)) / Σ_hyp max(1, #n-grams of hyp)
///     BP = 1 if c > r, 0 if c = 0, else exp(1 − r/c)
///     BLEU-N = BP · exp(Σ_{n=1}^{N} (1/N) · log pₙ)
///
/// where the clipped counts and denominators are summed over the corpus before dividing, c is the
/// total hypothesis length and r the sum over hypotheses of the reference length closest to the
/// hypothesis' (a tie takes the shorter). As in NLTK, a corpus with no matching unigram scores 0,
/// and an order with no match contributes log(2.2250738585072014e-308) (NLTK's method0), which
/// drives the score to ≈ 0. BLEU-N uses uniform weights 1/N over orders 1…N (the captioning
/// literature's BLEU-1…4; BLEU-4 is NLTK's default weights).
public struct CorpusBLEU: Sendable, Codable, Equatable {
    /// BLEU-1 … BLEU-`maximumOrder`.
    public let scores: [Double]
    /// The corpus-level modified precisions p₁ … p_N (clipped matches / n-grams).
    public let precisions: [Double]
    public let brevityPenalty: Double
    /// Total hypothesis length c and closest-reference length r.
    public let hypothesisLength: Int
    public let referenceLength: Int

    /// Scores `hypotheses` (token lists) against their `references` (one or more token lists each).
    public init(hypotheses: [[String]], references: [[[String]]], maximumOrder: Int = 4) throws {
        guard hypotheses.count == references.count else {
            throw EvaluationError.shapeMismatch(detail: "\(hypotheses.count) hypotheses for \(references.count) reference lists")
        }
        guard !hypotheses.isEmpty else { throw EvaluationError.empty(name: "the hypotheses") }
        guard maximumOrder >= 1 else { throw EvaluationError.invalidK(maximumOrder) }
        if let empty = references.firstIndex(where: \.isEmpty) {
            throw EvaluationError.empty(name: "the references of hypothesis \(empty)")
        }
        var numerators = [Int](repeating: 0, count: maximumOrder + 1)
        var denominators = [Int](repeating: 0, count: maximumOrder + 1)
        var hypothesisLength = 0, referenceLength = 0
        for (hypothesis, candidates) in zip(hypotheses, references) {
            for order in 1...maximumOrder {
                let counts = Self.ngramCounts(hypothesis, order: order)
                var maximumCounts: [ArraySlice<String>: Int] = [:]
                for reference in candidates {
                    let referenceCounts = Self.ngramCounts(reference, order: order)
                    for ngram in counts.keys { maximumCounts[ngram] = max(maximumCounts[ngram] ?? 0, referenceCounts[ngram] ?? 0) }
                }
                numerators[order] += counts.reduce(0) { $0 + min($1.value, maximumCounts[$1.key] ?? 0) }
                denominators[order] += max(1, counts.values.reduce(0, +))
            }
            hypothesisLength += hypothesis.count
            referenceLength += candidates.map(\.count).min { (abs($0 - hypothesis.count), $0) < (abs($1 - hypothesis.count), $1) }!
        }
        let penalty: Double = hypothesisLength > referenceLength ? 1
            : hypothesisLength == 0 ? 0 : Foundation.exp(1 - Double(referenceLength) / Double(hypothesisLength))
        let precisions = (1...maximumOrder).map { Double(numerators[$0]) / Double(denominators[$0]) }
        // NLTK's method0: an order without matches contributes the smallest normal Double.
        let logarithms = (1...maximumOrder).map { numerators[$0] == 0 ? Foundation.log(Double.leastNormalMagnitude)
                                                                     : Foundation.log(precisions[$0 - 1]) }
        scores = (1...maximumOrder).map { order in
            guard numerators[1] > 0 else { return 0 }
            let weight = 1 / Double(order)
            return penalty * Foundation.exp(logarithms[..<order].reduce(0) { $0 + weight * $1 })
        }
        self.precisions = precisions
        brevityPenalty = penalty
        self.hypothesisLength = hypothesisLength
        self.referenceLength = referenceLength
    }

    /// Counts of each n-gram of `tokens`.
    static func ngramCounts(_ tokens: [String], order: Int) -> [ArraySlice<String>: Int] {
        guard tokens.count >= order else { return [:] }
        var counts: [ArraySlice<String>: Int] = [:]
        for start in 0...(tokens.count - order) { counts[tokens[start..<(start + order)], default: 0] += 1 }
        return counts
    }
}
