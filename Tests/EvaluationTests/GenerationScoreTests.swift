import Evaluation
import Foundation
import Tensor
import TestSupport
import Testing
import Checkpoint

/// The Inception Score against the split formula with `scipy.stats.entropy`, ROC curves and
/// verification thresholds against scikit-learn, identity similarity and distance summaries
/// (`scripts/fixtures/metrics.py`).
@Suite struct GenerationScoreTests {
    struct ScoreReference: Decodable {
        struct Case: Decodable {
            let probabilities: String
            let mean: Double
            let std: Double
        }
        let splits: Int
        let cases: [Case]
    }

    struct VerificationReference: Decodable {
        let scores: [Double]
        let labels: [Int]
        let auc: Double
        let best_accuracy: Double
        let roc_false_positive_rate: [Double]
        let roc_true_positive_rate: [Double]
    }

    @Test func inceptionScoreMatchesTheReference() throws {
        let reference = try JSONDecoder().decode(ScoreReference.self, from: Data(contentsOf: TestPaths.fixture("metrics", "inception_score.json")))
        let file = try SafetensorsFile(contentsOf: TestPaths.fixture("metrics", "inception_score.safetensors"))
        #expect(reference.cases.count == 3)
        for entry in reference.cases {
            let score = try InceptionScore(probabilities: try file.tensor(named: entry.probabilities), splits: reference.splits)
            #expect(abs(score.mean - entry.mean) <= 1e-5 * entry.mean, "\(entry.probabilities): \(score.mean) vs \(entry.mean)")
            #expect(abs(score.standardDeviation - entry.std) <= 1e-4 * entry.std + 1e-9, "\(entry.probabilities): std \(score.standardDeviation) vs \(entry.std)")
            #expect(score.splitScores.count == reference.splits)
        }
    }

    @Test func inceptionScoreBounds() throws {
        // One certain class for every image: p(y) = p(y|x), IS = 1. Ten classes each certain once: IS = 10.
        let same = Tensor(shape: [20, 4], scalars: (0..<20).flatMap { _ in [0, 1, 0, 0] as [Float] })
        #expect(abs(try InceptionScore(probabilities: same, splits: 2).mean - 1) < 1e-12)
        let spread = Tensor(shape: [10, 10], scalars: (0..<10).flatMap { row in (0..<10).map { Float($0 == row ? 1 : 0) } })
        #expect(abs(try InceptionScore(probabilities: spread, splits: 1).mean - 10) < 1e-9)
        #expect(throws: EvaluationError.self) { try InceptionScore(probabilities: spread, splits: 11) }
        #expect(throws: EvaluationError.self) { try InceptionScore(probabilities: Tensor(shape: [2, 2], scalars: [0, 0, 1, 0]), splits: 1) }
    }

    @Test func rocAndVerificationMatchScikitLearn() throws {
        let reference = try JSONDecoder().decode(VerificationReference.self, from: Data(contentsOf: TestPaths.fixture("metrics", "verification.json")))
        let labels = reference.labels.map { $0 == 1 }
        let curve = try ROCCurve(scores: reference.scores, labels: labels)
        #expect(abs(curve.area - reference.auc) < 1e-12)
        // scikit-learn drops collinear points; each of its points lies on our curve.
        let points = Set(curve.points.map { "\($0.falsePositiveRate),\($0.truePositiveRate)" })
        for (falsePositive, truePositive) in zip(reference.roc_false_positive_rate, reference.roc_true_positive_rate) {
            #expect(points.contains("\(falsePositive),\(truePositive)"), "(\(falsePositive), \(truePositive)) is not on the curve")
        }
        let threshold = try VerificationThreshold(scores: reference.scores, sameIdentity: labels)
        #expect(abs(threshold.accuracy - reference.best_accuracy) < 1e-12)
        let accuracy = zip(reference.scores, labels).filter { threshold.accepts($0) == $1 }.count
        #expect(Double(accuracy) / Double(labels.count) == threshold.accuracy)
        #expect(throws: EvaluationError.self) { try ROCCurve(scores: [0.1, 0.2], labels: [true, true]) }
    }

    @Test func identitySimilarityAveragesCosines() throws {
        // Generated rows: along x, along y; references: x and the diagonal.
        let generated = Tensor(shape: [2, 2], scalars: [2, 0, 0, 3])
        let references = Tensor(shape: [2, 2], scalars: [1, 0, 1, 1])
        let threshold = try VerificationThreshold(scores: [0.9, 0.8, 0.1, 0.2], sameIdentity: [true, true, false, false])
        let similarity = try IdentitySimilarity(generated: generated, references: references, threshold: threshold)
        let diagonal = 1 / 2.0.squareRoot()
        #expect(abs(similarity.perImage[0] - (1 + diagonal) / 2) < 1e-12)
        #expect(abs(similarity.perImage[1] - diagonal / 2) < 1e-12)
        #expect(abs(similarity.meanCosine - (1 + 2 * diagonal) / 4) < 1e-12)
        #expect(threshold.threshold == 0.5)
        #expect(similarity.verifiedFraction == 0.75)  // 1, 0.707, 0.707 ≥ 0.5; 0 is not
        #expect(throws: EvaluationError.self) { try IdentitySimilarity(generated: Tensor(shape: [1, 2], scalars: [0, 0]), references: references) }
    }

    @Test func distanceSummary() throws {
        let summary = try DistanceSummary([1, 2, 3, 4])
        #expect(summary.mean == 2.5 && summary.minimum == 1 && summary.maximum == 4 && summary.count == 4)
        #expect(abs(summary.standardDeviation - 1.25.squareRoot()) < 1e-12)
        #expect(throws: EvaluationError.self) { try DistanceSummary([]) }
    }
}
