import Autograd
import NN
import Tensor

/// One convolutional n-gram branch of the Universal Sentence Encoder multilingual's CNN encoder
/// (Yang et al. 2020, "Multilingual Universal Sentence Encoder for Semantic Retrieval", §3: a
/// CNN over word embeddings beside the averaged embeddings): its input projection, then two
/// residual convolutions over windows of `order` tokens that start `leftContext` tokens before
/// each token, zero beyond the sentence:
///
///     x  = e·P + p                              (normalised with the other branches, see `UniversalSentenceEncoder`)
///     h  = relu(window(x)·W₁ + b₁) + x
///     c  = relu(window(h)·W₂ + b₂) + h          window(v)[t] = [v[t−l], …, v[t−l+order−1]]
///
/// Parameter names are the package's (`proj2`, `proj_b2`, `ln_g2`, `ln_b2`, `w1_2`, `b1_2`,
/// `w2_2`, `b2_2` for bigrams); matrices are `x·W` layout `[in, out]`.
public struct NGramConvolutionBranch: Module {
    public let order: Int
    public let leftContext: Int
    @Key("proj") public var projection: Parameter
    @Key("proj_b") public var projectionBias: Parameter
    @Key("ln_g") public var normWeight: Parameter
    @Key("ln_b") public var normBias: Parameter
    @Key("w1_") public var firstWeight: Parameter
    @Key("b1_") public var firstBias: Parameter
    @Key("w2_") public var secondWeight: Parameter
    @Key("b2_") public var secondBias: Parameter

    public init(order: Int, leftContext: Int, inputWidth: Int, width: Int) {
        precondition(leftContext >= 0 && leftContext < order, "a window of \(order) tokens cannot start \(leftContext) before its token")
        self.order = order
        self.leftContext = leftContext
        _projection = Key(wrappedValue: Parameter(Tensor(zeros: [inputWidth, width])), "proj\(order)")
        _projectionBias = Key(wrappedValue: Parameter(Tensor(zeros: [width])), "proj_b\(order)")
        _normWeight = Key(wrappedValue: Parameter(Tensor(repeating: 1, shape: [width])), "ln_g\(order)")
        _normBias = Key(wrappedValue: Parameter(Tensor(zeros: [width])), "ln_b\(order)")
        _firstWeight = Key(wrappedValue: Parameter(Tensor(zeros: [order * width, width])), "w1_\(order)")
        _firstBias = Key(wrappedValue: Parameter(Tensor(zeros: [width])), "b1_\(order)")
        _secondWeight = Key(wrappedValue: Parameter(Tensor(zeros: [order * width, width])), "w2_\(order)")
        _secondBias = Key(wrappedValue: Parameter(Tensor(zeros: [width])), "b2_\(order)")
    }

    /// x = e·P + p, `[tokens, width]` (before the shared normalisation).
    public func project(_ embeddings: Variable) -> Variable {
        Variable.matmul(embeddings, projection.variable) + projectionBias.variable  // [tokens, width]
    }

    /// c from the normalised projection `x` `[tokens, width]`; `windows` holds, per token, the
    /// `order` row indices of its window, `tokens` (a zero row) where the window leaves the sentence.
    public func convolve(_ x: Variable, windows: [Int]) -> Variable {
        let (tokens, width) = (x.shape[0], x.shape[1])
        func window(_ values: Variable) -> Variable {
            let padded = Variable.concatenate([values, Variable(Tensor(zeros: [1, width]))], alongAxis: 0)  // [tokens + 1, width]
            return Variable.gather(rowsOf: padded, indices: windows).reshaped([tokens, order * width])  // [tokens, order·width]
        }
        let hidden = (Variable.matmul(window(x), firstWeight.variable) + firstBias.variable).relu() + x  // [tokens, width]
        return (Variable.matmul(window(hidden), secondWeight.variable) + secondBias.variable).relu() + hidden  // [tokens, width]
    }

    /// The window rows of every token of sentences given as consecutive ranges of `0..<tokens`.
    public func windowIndices(sentences: [Range<Int>], tokens: Int) -> [Int] {
        var indices = [Int](repeating: tokens, count: tokens * order)
        for sentence in sentences {
            for position in sentence {
                for slot in 0..<order {
                    let source = position - leftContext + slot
                    if sentence.contains(source) { indices[position * order + slot] = source }
                }
            }
        }
        return indices
    }
}
