import Evaluation
import Tensor
import Testing

/// Top-k, per-class and confusion counts worked out by hand.
@Suite struct ClassificationAccuracyTests {
    @Test func countsTopKPerClassAndConfusionAcrossBatches() throws {
        var accuracy = try ClassificationAccuracy(classCount: 3, ks: [2, 1])
        #expect(accuracy.ks == [1, 2])
        // Row 0: true 0, ranks first. Row 1: true 1, second (class 2 higher). Row 2: true 2, third.
        try accuracy.add(scores: Tensor(shape: [3, 3], scalars: [0.7, 0.2, 0.1,
                                                                 0.1, 0.3, 0.6,
                                                                 0.5, 0.4, 0.1]), labels: [0, 1, 2])
        // Row 3: true 1 tied with class 0 at the top: the lower index wins, so it ranks second.
        try accuracy.add(scores: Tensor(shape: [1, 3], scalars: [2, 2, -1]), labels: [1])
        #expect(accuracy.count == 4)
        #expect(abs(accuracy.accuracy(k: 1) - 1.0 / 4) < 1e-12)
        #expect(abs(accuracy.accuracy(k: 2) - 3.0 / 4) < 1e-12)
        #expect(accuracy.confusion == [[1, 0, 0], [1, 0, 1], [1, 0, 0]])
        #expect(accuracy.classCounts == [1, 2, 1])
        #expect(accuracy.perClassAccuracy == [1, 0, 0])
        #expect(abs(accuracy.balancedAccuracy - 1.0 / 3) < 1e-12)
    }

    @Test func rejectsBadInput() throws {
        var accuracy = try ClassificationAccuracy(classCount: 2)
        #expect(throws: EvaluationError.self) { try accuracy.add(scores: Tensor(shape: [1, 3], scalars: [0, 0, 1]), labels: [0]) }
        #expect(throws: EvaluationError.self) { try accuracy.add(scores: Tensor(shape: [1, 2], scalars: [0, 1]), labels: [2]) }
        #expect(throws: EvaluationError.nonFinite(name: "scores", row: 0)) {
            try accuracy.add(scores: Tensor(shape: [1, 2], scalars: [.nan, 1]), labels: [0])
        }
        #expect(throws: EvaluationError.invalidK(0)) { try ClassificationAccuracy(classCount: 2, ks: [0]) }
        #expect(accuracy.count == 0)
    }
}
