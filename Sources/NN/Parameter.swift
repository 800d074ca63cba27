import Autograd
import Tensor

/// A named tensor of a layer: a trainable weight, or a buffer such as BatchNorm's running mean.
///
/// Layers are small value types holding `Parameter` references, so loading a checkpoint or an
/// optimiser step updates the model in place. Forward passes read `variable`: one tape leaf per
/// parameter value, shared by every use within a step so gradients accumulate in one place; it is
/// replaced whenever `value` changes.
public final class Parameter {
    /// The current value.
    public var value: Tensor {
        didSet { cachedVariable = nil }
    }
    /// False for buffers and frozen weights: no gradient is recorded for them.
    public var isTrainable: Bool {
        didSet { cachedVariable = nil }
    }

    private var cachedVariable: Variable?

    public init(_ value: Tensor, isTrainable: Bool = true) {
        self.value = value
        self.isTrainable = isTrainable
    }

    /// The tape leaf for the current value.
    public var variable: Variable {
        if let cachedVariable { return cachedVariable }
        let leaf = Variable(value, requiresGradient: isTrainable)
        cachedVariable = leaf
        return leaf
    }

    /// The gradient accumulated on the current leaf by `backward()`, if any.
    public var gradient: Tensor? { cachedVariable?.gradient }

    /// Replaces the gradient on the current leaf (used by gradient clipping and tests).
    public func setGradient(_ gradient: Tensor) {
        precondition(gradient.shape == value.shape, "gradient \(gradient.shape) does not fit parameter \(value.shape)")
        variable.gradient = gradient
    }

    /// Drops the accumulated gradient (a new leaf is made on next use).
    public func clearGradient() { cachedVariable = nil }
}

/// Something with named parameters, such as a layer or a whole model.
public protocol ParameterGroup {
    /// Every parameter and buffer under its checkpoint name relative to this group
    /// (`"weight"`, `"ln_1.bias"`, `"resblocks.0.attn.in_proj_weight"`).
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension ParameterGroup {
    /// Parameters keyed by name.
    public var parameterDictionary: [String: Parameter] {
        Dictionary(namedParameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { first, _ in first })
    }

    /// Only the trainable parameters.
    public var trainableParameters: [Parameter] { namedParameters.map(\.parameter).filter(\.isTrainable) }

    /// Marks every parameter trainable or frozen (buffers stay frozen).
    public func setTrainable(_ trainable: Bool, buffers: Set<String> = []) {
        for (name, parameter) in namedParameters where !buffers.contains(name) { parameter.isTrainable = trainable }
    }
}

/// Prefixes the names of a child group: `nested("ln_1", layerNorm)` → `ln_1.weight`, `ln_1.bias`.
public func nested(_ prefix: String, _ group: ParameterGroup?) -> [(name: String, parameter: Parameter)] {
    guard let group else { return [] }
    return group.namedParameters.map { (prefix.isEmpty ? $0.name : "\(prefix).\($0.name)", $0.parameter) }
}

/// Prefixes the names of a list of children with their index: `resblocks.0.…`, `resblocks.1.…`.
public func nested(_ prefix: String, _ groups: [ParameterGroup]) -> [(name: String, parameter: Parameter)] {
    groups.enumerated().flatMap { nested("\(prefix).\($0.offset)", $0.element) }
}
