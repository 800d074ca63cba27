import Evaluation
import Foundation
import TestSupport
import Testing

/// Corpus BLEU-1…4 against NLTK's `corpus_bleu` (uniform weights 1/n, no smoothing;
/// `scripts/fixtures/captioner.py`): clipped counts pooled over the corpus, the closest reference
/// length (ties to the shorter), the brevity penalty, and NLTK's near-zero score for an order
/// without matches. Relative error ≤ 1e-9.
@Suite struct CorpusBLEUTests {
    struct Case: Decodable {
        var hypotheses: [[String]]
        var references: [[[String]]]
        var bleu: [Double]
    }

    @Test func matchesNLTKCorpusBLEU() throws {
        let data = try Data(contentsOf: TestPaths.fixture("captioner", "bleu.json"))
        let cases = try JSONDecoder().decode([String: Case].self, from: data)
        #expect(cases.count == 4)
        for (name, reference) in cases {
            let score = try CorpusBLEU(hypotheses: reference.hypotheses, references: reference.references)
            #expect(score.scores.count == 4)
            for (order, (actual, expected)) in zip(score.scores, reference.bleu).enumerated() {
                #expect(abs(actual - expected) <= 1e-9 * max(abs(expected), 1e-300), "\(name) BLEU-\(order + 1): \(actual) vs NLTK \(expected)")
            }
        }
    }

    @Test func brevityPenaltyAndPrecisionsByHand() throws {
        // Hypothesis "a b" (2 words) against "a b c d" (4): p1 = p2 = 1, BP = exp(1 − 4/2).
        let score = try CorpusBLEU(hypotheses: [["a", "b"]], references: [[["a", "b", "c", "d"]]], maximumOrder: 2)
        #expect(score.precisions == [1, 1])
        #expect(abs(score.brevityPenalty - exp(-1)) < 1e-15)
        #expect(abs(score.scores[1] - exp(-1)) < 1e-15)
        // No unigram in common: every score is 0; an empty hypothesis too.
        #expect(try CorpusBLEU(hypotheses: [["x"]], references: [[["a"]]]).scores == [0, 0, 0, 0])
        #expect(try CorpusBLEU(hypotheses: [[]], references: [[["a"]]]).scores == [0, 0, 0, 0])
    }

    @Test func badInputsFailClearly() {
        #expect(throws: EvaluationError.shapeMismatch(detail: "2 hypotheses for 1 reference lists")) {
            try CorpusBLEU(hypotheses: [["a"], ["b"]], references: [[["a"]]])
        }
        #expect(throws: EvaluationError.empty(name: "the references of hypothesis 0")) {
            try CorpusBLEU(hypotheses: [["a"]], references: [[]])
        }
        #expect(throws: EvaluationError.empty(name: "the hypotheses")) { try CorpusBLEU(hypotheses: [], references: []) }
    }
}
