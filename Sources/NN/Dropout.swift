import Autograd
import Tensor

/// Inverted dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks
/// from overfitting"): in training, each element is kept with probability 1 − p and scaled by
/// 1/(1 − p), y = x·m/(1 − p) with m ~ Bernoulli(1 − p), so inference is the identity
/// (PyTorch's `nn.Dropout`). Training masks come from `RandomStream.current`, which a `Trainer`
/// sets and checkpoints, so masks are reproducible from the run's seed. No parameters; the mode
/// comes from `Module.setMode(_:)` (inference until switched).
public struct Dropout: ModeDependentLayer {
    public let probability: Float
    public let modeState: ModeState

    public init(probability: Float = 0.5) {
        precondition(probability >= 0 && probability <= 1, "dropout probability \(probability) is outside [0, 1]")
        self.probability = probability
        modeState = ModeState()
    }

    /// The identity in inference; a fresh mask from the current random stream in training.
    public func callAsFunction(_ input: Variable) -> Variable {
        guard modeState.mode == .training, probability > 0 else { return input }
        guard let stream = RandomStream.current else {
            preconditionFailure("training-mode dropout needs a random stream: run it inside a Trainer step or RandomStream.using(_:_:)")
        }
        return input.droppedOut(keepMask: stream.dropoutKeepMask(input.shape, probability: probability), probability: probability)
    }
}
