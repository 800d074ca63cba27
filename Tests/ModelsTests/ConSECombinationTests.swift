import Models
import Tensor
import Testing

/// The ConSE combination rule on hand-computed cases.
@Suite struct ConSECombinationTests {
    let labels = Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 0.6, 0.8])

    @Test func combinesTheTopLabelsByProbability() {
        let probabilities = Tensor(shape: [2, 3], scalars: [0.5, 0.3, 0.2, 0.1, 0.2, 0.7])
        let embedded = ConSEImageEncoder.combine(probabilities: probabilities, labelEmbeddings: labels, topCount: 2)
        // Row 0: 0.5·(1,0) + 0.3·(0,1) = (0.5, 0.3); row 1: 0.7·(0.6,0.8) + 0.2·(0,1) = (0.42, 0.76).
        let expected: [Float] = [0.5, 0.3].map { $0 / (0.34 as Float).squareRoot() }
            + [0.42, 0.76].map { $0 / (0.42 * 0.42 + 0.76 * 0.76 as Float).squareRoot() }
        #expect(zip(embedded.scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(embedded.scalars)")
    }

    @Test func topCountLargerThanTheLabelSetUsesEveryLabel() {
        let probabilities = Tensor(shape: [1, 3], scalars: [0.2, 0.2, 0.6])
        let embedded = ConSEImageEncoder.combine(probabilities: probabilities, labelEmbeddings: labels, topCount: 50)
        let sum: [Float] = [0.2 + 0.36, 0.2 + 0.48]
        let norm = (sum[0] * sum[0] + sum[1] * sum[1]).squareRoot()
        #expect(abs(embedded.scalars[0] - sum[0] / norm) < 1e-6 && abs(embedded.scalars[1] - sum[1] / norm) < 1e-6)
    }
}
