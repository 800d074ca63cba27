import Tensor
import Testing

/// Records an issue for every row (along the last axis) of `actual` whose cosine with the same row
/// of `expected` is below `minimumCosine` (or undefined: an all-zero row), or whose max |Δ| exceeds
/// `relativeDifference` · that row's max |ref|. Stricter than `ParityMeasure.isWithinTolerance`,
/// which scales by the whole tensor's max |ref|.
public func expectRowsMatch(_ actual: Tensor, _ expected: Tensor, minimumCosine: Double, relativeDifference: Float,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "shape \(actual.shape), reference \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    for (index, row) in ParityMeasure(actual, expected).rows.enumerated() {
        #expect(row.cosine >= minimumCosine, "row \(index): cosine \(row.cosine)", sourceLocation: sourceLocation)
        #expect(row.maximumDifference <= relativeDifference * row.referenceMaximum,
                "row \(index): max |Δ| \(row.maximumDifference) vs max |ref| \(row.referenceMaximum)", sourceLocation: sourceLocation)
    }
}
