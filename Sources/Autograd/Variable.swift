import Tensor

/// A node of the reverse-mode tape: a tensor value, the operation that produced it and, after
/// `backward()`, the gradient of a scalar loss with respect to it.
///
/// Every operation on variables records its inputs and one backward rule (a closure mapping the
/// output gradient to the input gradients). `backward()` visits the recorded graph in reverse
/// topological order and accumulates gradients. Operations whose inputs need no gradient record
/// nothing, so inference through the same code builds no tape.
public final class Variable {
    /// The forward value.
    public let value: Tensor
    /// ∂loss/∂value after `backward()`; nil before, or when no gradient reaches this node.
    public var gradient: Tensor?
    /// True for trainable leaves and for every result that depends on one.
    public let requiresGradient: Bool
    /// A short operation name, for debugging and error messages.
    public let operation: String

    let inputs: [Variable]
    let backwardRule: ((Tensor) -> [Tensor?])?

    /// A leaf: a constant input (`requiresGradient: false`) or a trainable parameter.
    public init(_ value: Tensor, requiresGradient: Bool = false) {
        self.value = value
        self.requiresGradient = requiresGradient
        operation = "leaf"
        inputs = []
        backwardRule = nil
    }

    /// The result of an operation. The rule is kept only when an input needs a gradient.
    public init(_ value: Tensor, operation: String, inputs: [Variable], backward: @escaping (Tensor) -> [Tensor?]) {
        self.value = value
        self.operation = operation
        let needsGradient = inputs.contains { $0.requiresGradient } && !GradientMode.isDisabled
        requiresGradient = needsGradient
        self.inputs = needsGradient ? inputs : []
        backwardRule = needsGradient ? backward : nil
    }

    public var shape: [Int] { value.shape }

    /// Back-propagates from this variable. A scalar output is seeded with 1; otherwise pass the
    /// seed gradient of the same shape (the vector in a vector–Jacobian product).
    public func backward(seed: Tensor? = nil) {
        precondition(seed != nil || value.count == 1, "backward() from a non-scalar \(shape) needs a seed gradient")
        let order = topologicalOrder()
        var gradients: [ObjectIdentifier: Tensor] = [:]
        gradients[ObjectIdentifier(self)] = seed ?? Tensor(repeating: 1, shape: shape)
        for node in order.reversed() {
            guard let outputGradient = gradients[ObjectIdentifier(node)] else { continue }
            if node.inputs.isEmpty {
                // A leaf keeps its gradient (accumulated across backward calls, like PyTorch).
                if node.requiresGradient {
                    node.gradient = node.gradient.map { $0 + outputGradient } ?? outputGradient
                }
                continue
            }
            guard let rule = node.backwardRule else { continue }
            let inputGradients = rule(outputGradient)
            precondition(inputGradients.count == node.inputs.count, "backward rule of \(node.operation) returned \(inputGradients.count) gradients")
            for (input, gradient) in zip(node.inputs, inputGradients) {
                guard let gradient, input.requiresGradient else { continue }
                precondition(gradient.shape == input.shape,
                             "\(node.operation) produced gradient \(gradient.shape) for input \(input.shape)")
                let key = ObjectIdentifier(input)
                gradients[key] = gradients[key].map { $0 + gradient } ?? gradient
            }
        }
    }

    /// Nodes reachable from this one, each after all of its inputs.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep graphs must not overflow the stack.
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            if !visited.insert(ObjectIdentifier(node)).inserted { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGradient && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}

/// Switches gradient recording off for inference code run through `Variable` operations.
/// The switch is task-local: concurrent tasks and threads never see each other's setting.
public enum GradientMode {
    @TaskLocal static var disabled = false

    public static var isDisabled: Bool { disabled }

    /// Runs `body` without recording a tape.
    public static func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
        try $disabled.withValue(true) { try body() }
    }
}
