import NN
import Optim
import Tensor

/// An optimiser whose state can be saved in and restored from a training checkpoint.
/// State tensors are keyed `<slot>.<parameter position>`; the trainer renames positions to
/// parameter names in the file.
public protocol CheckpointableOptimizer: Optimizer {
    /// A name for the checkpoint's metadata (`adam`, `sgd`).
    var kind: String { get }
    /// Steps taken (Adam's t; SGD counts nothing and returns 0).
    var stepCount: Int { get }
    /// State tensors per slot name, one optional tensor per parameter position.
    var stateSlots: [String: [Tensor?]] { get }
    /// Restores state saved from `stateSlots` and `stepCount`.
    func restore(stepCount: Int, slots: [String: [Tensor?]]) throws
}

/// The checkpoint's optimiser state does not fit this optimiser.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "optimiser state: \(reason)" }
}

extension Adam: CheckpointableOptimizer {
    public var kind: String { weightDecayMode == .decoupled ? "adamw" : "adam" }
    public var stateSlots: [String: [Tensor?]] { ["exp_avg": state.first, "exp_avg_sq": state.second] }

    public func restore(stepCount: Int, slots: [String: [Tensor?]]) throws {
        guard let first = slots["exp_avg"], let second = slots["exp_avg_sq"],
              first.count == parameters.count, second.count == parameters.count else {
            throw OptimizerStateError(reason: "Adam needs exp_avg and exp_avg_sq for \(parameters.count) parameters")
        }
        restore(step: stepCount, first: first, second: second)
    }
}

extension SGD: CheckpointableOptimizer {
    public var kind: String { "sgd" }
    public var stepCount: Int { 0 }
    public var stateSlots: [String: [Tensor?]] { ["momentum_buffer": state] }

    public func restore(stepCount: Int, slots: [String: [Tensor?]]) throws {
        guard let velocities = slots["momentum_buffer"], velocities.count == parameters.count else {
            throw OptimizerStateError(reason: "SGD needs momentum_buffer for \(parameters.count) parameters")
        }
        restore(velocities: velocities)
    }
}
