import Autograd
import Foundation
import Tensor

/// A named tensor of a layer: a trainable weight, or a buffer such as BatchNorm's running mean.
///
/// Layers are small value types holding `Parameter` references, so loading a checkpoint or an
/// optimiser step updates the model in place. Forward passes read `variable`. While a tape is
/// recorded, a trainable parameter hands out one leaf per value, shared by every use within a step
/// so that gradients accumulate in one place; it is replaced whenever `value` changes. Without a
/// tape (`GradientMode.withoutGradients`), and for frozen weights and buffers, every read is a
/// fresh constant leaf and touches no shared state, so concurrent inference never races.
public final class Parameter: @unchecked Sendable {
    /// The current value.
    public var value: Tensor {
        get { lock.withLock { storedValue } }
        set {
            lock.withLock {
                storedValue = newValue
                cachedVariable = nil
                storedInferenceCopy = nil
                storedDerivations = [:]
                generation += 1
            }
        }
    }
    /// False for buffers and frozen weights: no gradient is recorded for them.
    public var isTrainable: Bool {
        get { lock.withLock { storedIsTrainable } }
        set {
            lock.withLock {
                storedIsTrainable = newValue
                cachedVariable = nil
            }
        }
    }
    /// True for running statistics and other state that is saved and loaded but never trained
    /// (`unfreeze(paths:)` leaves buffers frozen).
    public let isBuffer: Bool

    private var storedValue: Tensor
    private var storedIsTrainable: Bool
    private var cachedVariable: Variable?
    private var storedInferenceCopy: ReducedPrecisionWeights?
    private var storedDerivations: [String: any Sendable] = [:]
    private var generation = 0
    private let lock = NSLock()

    public init(_ value: Tensor, isTrainable: Bool = true) {
        storedValue = value
        storedIsTrainable = isTrainable
        isBuffer = false
    }

    /// A buffer: saved and loaded with the weights, never trained (BatchNorm's running statistics).
    public init(buffer value: Tensor) {
        storedValue = value
        storedIsTrainable = false
        isBuffer = true
    }

    /// The tape leaf for the current value: the shared gradient-collecting leaf while gradients
    /// are recorded for a trainable parameter, otherwise a fresh constant.
    public var variable: Variable {
        if GradientMode.isDisabled { return Variable(value) }
        return lock.withLock {
            guard storedIsTrainable else { return Variable(storedValue) }
            if let cachedVariable { return cachedVariable }
            let leaf = Variable(storedValue, requiresGradient: true)
            cachedVariable = leaf
            return leaf
        }
    }

    /// A bf16 or int8 copy of this matrix weight that inference products use instead of `value`
    /// (set by `Module.setInferencePrecision(_:)`); dropped whenever `value` changes, so a trained
    /// weight is never shadowed by a stale copy.
    public var inferenceCopy: ReducedPrecisionWeights? {
        get { lock.withLock { storedInferenceCopy } }
        set {
            lock.withLock {
                precondition(newValue == nil || newValue!.shape == storedValue.shape,
                             "a reduced-precision copy must have the parameter's shape \(storedValue.shape)")
                storedInferenceCopy = newValue
            }
        }
    }

    /// `x · valueᵀ + bias` for a matrix weight without a tape: through the reduced-precision copy
    /// when there is one, else in fp32. `[…, inFeatures]` → `[…, outFeatures]`.
    public func inferenceLinear(_ input: Tensor, bias: Tensor?) -> Tensor {
        if let copy = inferenceCopy { return Tensor.linear(input, weight: copy, bias: bias) }
        return Tensor.linear(input, weight: value, bias: bias)
    }

    /// A value computed from `value` for inference (a convolution's Winograd-domain kernels, say):
    /// made by `make` on first use under `key`, then kept until `value` changes.
    public func derived<Derived: Sendable>(_ key: String, _ make: (Tensor) -> Derived) -> Derived {
        let (current, currentGeneration, cached) = lock.withLock { (storedValue, generation, storedDerivations[key]) }
        if let cached = cached as? Derived { return cached }
        let made = make(current)
        lock.withLock { if generation == currentGeneration { storedDerivations[key] = made } }
        return made
    }

    /// The gradient accumulated on the current leaf by `backward()`, if any.
    public var gradient: Tensor? { lock.withLock { cachedVariable?.gradient } }

    /// Replaces the gradient on the current leaf (used by gradient clipping and tests).
    public func setGradient(_ gradient: Tensor) {
        lock.withLock {
            precondition(gradient.shape == storedValue.shape, "gradient \(gradient.shape) does not fit parameter \(storedValue.shape)")
            let leaf = cachedVariable ?? Variable(storedValue, requiresGradient: storedIsTrainable)
            cachedVariable = leaf
            leaf.gradient = gradient
        }
    }

    /// Drops the accumulated gradient (a new leaf is made on next use).
    public func clearGradient() { lock.withLock { cachedVariable = nil } }
}
