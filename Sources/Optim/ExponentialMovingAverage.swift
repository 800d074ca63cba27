import Foundation
import NN
import Tensor

/// An exponential moving average of a model's weights (Polyak & Juditsky 1992 averaging in its
/// exponential form; the `G_ema` of StyleGAN, Karras et al. 2019, and the EMA of diffusion
/// training): after every optimiser step, θ̄ ← d·θ̄ + (1 − d)·θ for each trainable parameter, while
/// buffers (running statistics) and frozen weights are copied as they are. The averaged weights
/// usually evaluate better than the raw ones; `withAveragedWeights` swaps them in for evaluation
/// and a `Trainer` stores them in its checkpoints under `ema.<name>`.
///
/// Early averages are dominated by the random initialisation; a warm-up lowers the decay at first:
/// d_t = min(d, (1 + t)/(10 + t)) (TensorFlow's `ExponentialMovingAverage` with `num_updates`) or
/// d_t = min(d, 1 − (1 + t/γ)^(−p)) (the warm-up of timm's and diffusers' EMA), t counting updates
/// from 0.
public final class ExponentialMovingAverage {
    /// How the decay ramps up over the first updates.
    public enum Warmup: Codable, Sendable, Equatable {
        /// The constant decay d.
        case none
        /// min(d, (1 + t)/(10 + t)).
        case updateCount
        /// min(d, 1 − (1 + t/γ)^(−p)), e.g. γ = 1, p = 2/3 (long runs) or 3/4 (short runs).
        case power(inverseGamma: Float, power: Float)
    }

    /// The averaged model's parameter names, in order.
    public let names: [String]
    /// The live parameters being averaged.
    public let parameters: [Parameter]
    public let decay: Float
    public let warmup: Warmup
    /// Updates made so far (the t of the warm-up).
    public private(set) var updateCount = 0
    /// Whether each position is averaged (trainable when the average was made) or copied.
    private let isAveraged: [Bool]
    private var averages: [Tensor]

    /// Starts the averages at the parameters' current values.
    public init(namedParameters: [(name: String, parameter: Parameter)], decay: Float, warmup: Warmup = .none) {
        precondition(decay >= 0 && decay <= 1, "EMA decay \(decay) is outside [0, 1]")
        precondition(Set(namedParameters.map(\.name)).count == namedParameters.count, "EMA parameter names repeat")
        names = namedParameters.map(\.name)
        parameters = namedParameters.map(\.parameter)
        isAveraged = parameters.map(\.isTrainable)
        averages = parameters.map(\.value)
        self.decay = decay
        self.warmup = warmup
    }

    /// The decay used by update number `update` (0-based).
    public func decay(atUpdate update: Int) -> Float {
        let t = Float(update)
        switch warmup {
        case .none: return decay
        case .updateCount: return Swift.min(decay, (1 + t) / (10 + t))
        case let .power(inverseGamma, power): return Swift.min(decay, Swift.max(0, 1 - Foundation.pow(1 + t / inverseGamma, -power)))
        }
    }

    /// Folds the parameters' current values into the averages.
    public func update() {
        let d = decay(atUpdate: updateCount)
        for (index, parameter) in parameters.enumerated() {
            averages[index] = isAveraged[index] ? averages[index] * d + parameter.value * (1 - d) : parameter.value
        }
        updateCount += 1
    }

    /// The averaged value of every parameter by name.
    public var averagedValues: [String: Tensor] { Dictionary(uniqueKeysWithValues: zip(names, averages)) }

    /// Runs `body` with the averaged weights in the model, then puts the live weights back
    /// (between optimiser steps only: the live parameters lose any accumulated gradient).
    public func withAveragedWeights<Result>(_ body: () throws -> Result) rethrows -> Result {
        let live = parameters.map(\.value)
        for (parameter, average) in zip(parameters, averages) { parameter.value = average }
        defer { for (parameter, value) in zip(parameters, live) { parameter.value = value } }
        return try body()
    }

    /// Writes the averaged weights into `model` (an evaluation copy of the same architecture),
    /// by name; every averaged name must exist there with the same shape.
    public func copyAverages(into model: any Module) throws {
        let targets = model.parameterDictionary
        for (name, average) in zip(names, averages) {
            guard let target = targets[name], target.value.shape == average.shape else {
                throw MovingAverageError.mismatch(name: name, reason: targets[name] == nil ? "missing from the model"
                                                      : "shape \(targets[name]!.value.shape) instead of \(average.shape)")
            }
            target.value = average
        }
    }

    /// Restores a saved state: the update count and one averaged tensor per name.
    public func restore(updateCount: Int, averages saved: [String: Tensor]) throws {
        var restored: [Tensor] = []
        for (name, current) in zip(names, averages) {
            guard let value = saved[name] else { throw MovingAverageError.mismatch(name: name, reason: "missing from the saved state") }
            guard value.shape == current.shape else {
                throw MovingAverageError.mismatch(name: name, reason: "saved shape \(value.shape) instead of \(current.shape)")
            }
            restored.append(value)
        }
        let known = Set(names)
        if let extra = saved.keys.sorted().first(where: { !known.contains($0) }) {
            throw MovingAverageError.mismatch(name: extra, reason: "saved but not averaged")
        }
        averages = restored
        self.updateCount = updateCount
    }
}

/// A saved or target model does not fit the moving average.
public enum MovingAverageError: Error, Equatable, CustomStringConvertible {
    case mismatch(name: String, reason: String)

    public var description: String {
        switch self {
        case let .mismatch(name, reason): "moving average of \(name): \(reason)"
        }
    }
}
