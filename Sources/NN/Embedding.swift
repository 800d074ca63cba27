import Autograd
import Tensor

/// A lookup table `weight` `[vocabulary, width]`.
public struct Embedding: Module {
    @Key("weight") public var weight: Parameter

    public init(vocabulary: Int, width: Int) {
        weight = Parameter(Tensor(zeros: [vocabulary, width]))
    }

    /// Rows for `indices` (`[indices.count, width]`); reshape for batched input.
    public func callAsFunction(_ indices: [Int]) -> Variable {
        Variable.gather(rowsOf: weight.variable, indices: indices)
    }
}
