import Autograd
import Tensor

/// A lookup table `weight` `[vocabulary, width]`.
public struct Embedding: ParameterGroup {
    public let weight: Parameter

    public init(vocabulary: Int, width: Int) {
        weight = Parameter(Tensor(zeros: [vocabulary, width]))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] }

    /// Rows for `indices` (`[indices.count, width]`); reshape for batched input.
    public func callAsFunction(_ indices: [Int]) -> Variable {
        Variable.gather(rowsOf: weight.variable, indices: indices)
    }
}
