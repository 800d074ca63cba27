import Foundation
import Tensor

/// How far `actual` is from a reference `expected` of the same shape, over the whole tensor and
/// row by row along the last axis: max |Δ|, max |Δ| / max |ref|, and each row's cosine similarity
/// (accumulated in Double). `isWithinTolerance` is the bar of the model parity suites:
/// max |Δ| ≤ 1e-4 · max |ref| and cosine ≥ 0.99999 for every row.
public struct ParityMeasure: CustomStringConvertible {
    /// One row of the last axis.
    public struct Row: Sendable {
        /// cos(a, e) = a·e / (‖a‖ ‖e‖); NaN when either row is all zeros.
        public let cosine: Double
        /// Both rows are all zeros (identical, though their cosine is undefined).
        public let isZeroOnBothSides: Bool
        /// max |a − e| over the row.
        public let maximumDifference: Float
        /// max |e| over the row.
        public let referenceMaximum: Float
    }

    public let maximumDifference: Float
    /// max |Δ| / max(max |ref|, the smallest normal Float).
    public let relativeMaximumDifference: Float
    /// The smallest row cosine; a row that is all zeros on both sides counts as 1, one that is all
    /// zeros on one side only as NaN (which fails every bar).
    public let minimumRowCosine: Double
    /// Index of the row with the smallest cosine.
    public let worstRow: Int
    public let rows: [Row]

    public init(_ actual: Tensor, _ expected: Tensor) {
        precondition(actual.shape == expected.shape, "shapes differ: \(actual.shape) vs \(expected.shape)")
        maximumDifference = actual.maxAbsoluteDifference(expected)
        relativeMaximumDifference = maximumDifference / max(expected.abs().max(), .leastNormalMagnitude)
        let length = expected.shape.last!
        let a = actual.scalars, e = expected.scalars
        var rows: [Row] = []
        var minimum = 1.0, worst = 0
        for (row, start) in stride(from: 0, to: a.count, by: length).enumerated() {
            var dot = 0.0, normA = 0.0, normE = 0.0
            var difference: Float = 0, largest: Float = 0
            for index in start..<(start + length) {
                dot += Double(a[index]) * Double(e[index])
                normA += Double(a[index]) * Double(a[index])
                normE += Double(e[index]) * Double(e[index])
                difference = max(difference, abs(a[index] - e[index]))
                largest = max(largest, abs(e[index]))
            }
            let cosine = dot / (normA.squareRoot() * normE.squareRoot())
            let zeroOnBothSides = normA == 0 && normE == 0
            rows.append(Row(cosine: cosine, isZeroOnBothSides: zeroOnBothSides, maximumDifference: difference, referenceMaximum: largest))
            let counted = zeroOnBothSides ? 1 : cosine
            if !(counted >= minimum) && !minimum.isNaN { (minimum, worst) = (counted, row) }
        }
        self.rows = rows
        minimumRowCosine = minimum
        worstRow = worst
    }

    /// The model parity bar: max |Δ| ≤ 1e-4 · max |ref| and cosine ≥ 0.99999 for every row.
    public var isWithinTolerance: Bool { relativeMaximumDifference <= 1e-4 && minimumRowCosine >= 0.99999 }

    public var description: String {
        String(format: "max|Δ| = %.2e, max|Δ|/max|ref| = %.2e, min cosine = %.9f (row %d)",
               maximumDifference, relativeMaximumDifference, minimumRowCosine, worstRow)
    }
}
