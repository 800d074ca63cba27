import Autograd
import Tensor

/// The hidden and cell state of an LSTM, each `[batch, hidden]`.
public struct LSTMState {
    public var hidden: Variable
    public var cell: Variable

    public init(hidden: Variable, cell: Variable) {
        self.hidden = hidden
        self.cell = cell
    }

    /// All zeros (PyTorch's state when none is passed).
    public static func zeros(batch: Int, hiddenSize: Int) -> LSTMState {
        LSTMState(hidden: Variable(Tensor(zeros: [batch, hiddenSize])), cell: Variable(Tensor(zeros: [batch, hiddenSize])))
    }
}

/// One LSTM step (Hochreiter & Schmidhuber 1997; forget gate of Gers, Schmidhuber & Cummins
/// 2000) with PyTorch's `nn.LSTMCell` layout: gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split
/// into i, f, g, o; c′ = σ(f)⊙c + σ(i)⊙tanh(g), h′ = σ(o)⊙tanh(c′). Key names `weight_ih`
/// `[4·hidden, input]`, `weight_hh` `[4·hidden, hidden]`, `bias_ih`, `bias_hh` `[4·hidden]`.
/// The recurrent step of the soft-attention captioner (Xu et al. 2015).
public struct LSTMCell: Module {
    @Key("weight_ih") public var weightInput: Parameter
    @Key("weight_hh") public var weightHidden: Parameter
    @Key("bias_ih") public var biasInput: Parameter?
    @Key("bias_hh") public var biasHidden: Parameter?

    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true) {
        weightInput = Parameter(Tensor(zeros: [4 * hiddenSize, inputSize]))
        weightHidden = Parameter(Tensor(zeros: [4 * hiddenSize, hiddenSize]))
        biasInput = bias ? Parameter(Tensor(zeros: [4 * hiddenSize])) : nil
        biasHidden = bias ? Parameter(Tensor(zeros: [4 * hiddenSize])) : nil
    }

    /// PyTorch's initialisation: every weight and bias from U(−1/√hidden, 1/√hidden).
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, generator: inout SeededGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        func uniform(_ shape: [Int]) -> Parameter {
            Parameter(Tensor.randomUniform(shape, lower: -bound, upper: bound, generator: &generator))
        }
        weightInput = uniform([4 * hiddenSize, inputSize])
        weightHidden = uniform([4 * hiddenSize, hiddenSize])
        biasInput = bias ? uniform([4 * hiddenSize]) : nil
        biasHidden = bias ? uniform([4 * hiddenSize]) : nil
    }

    public var inputSize: Int { weightInput.value.shape[1] }
    public var hiddenSize: Int { weightHidden.value.shape[1] }

    /// `[batch, input]` and the previous state (zeros when nil) → the next state.
    public func callAsFunction(_ input: Variable, state: LSTMState? = nil) -> LSTMState {
        precondition(input.shape.count == 2 && input.shape[1] == inputSize, "LSTMCell with input size \(inputSize) got \(input.shape)")
        let previous = state ?? .zeros(batch: input.shape[0], hiddenSize: hiddenSize)
        let (hidden, cell) = Variable.lstmCell(input: input, hidden: previous.hidden, cell: previous.cell,
                                               weightInput: weightInput.variable, weightHidden: weightHidden.variable,
                                               biasInput: biasInput?.variable, biasHidden: biasHidden?.variable)
        return LSTMState(hidden: hidden, cell: cell)
    }
}
