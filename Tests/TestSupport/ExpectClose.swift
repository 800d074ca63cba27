import Tensor
import Testing

/// Records an issue unless `actual` has `expected`'s shape and lies within `tolerance` of it. A
/// missing tensor (a gradient that was never computed, a reference absent from the fixture) is a
/// failure too. `what` names the compared quantity in the message.
public func expectClose(_ actual: Tensor?, _ expected: Tensor?, _ tolerance: Tolerance, _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else { Issue.record("\(what): no value to compare", sourceLocation: sourceLocation); return }
    guard let expected else { Issue.record("\(what): no reference to compare with", sourceLocation: sourceLocation); return }
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape), reference \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let difference = actual.maxAbsoluteDifference(expected), referenceMaximum = expected.abs().max()
    #expect(tolerance.accepts(difference: difference, referenceMaximum: referenceMaximum),
            "\(what): max |Δ| \(difference), max |ref| \(referenceMaximum); needs \(tolerance)", sourceLocation: sourceLocation)
}
