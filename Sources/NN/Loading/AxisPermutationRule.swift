import Foundation
import Tensor

/// Reorders the axes of the checkpoint tensors whose names match `pattern`, written as data: the way
/// a checkpoint that stores convolution kernels in another layout is fitted to PyTorch's
/// (Flax/TensorFlow kernels `[height, width, in, out]` become `[out, in, height, width]` with
/// `axes: [3, 2, 0, 1]`; output axis i is input axis `axes[i]`, as `Tensor.permuted`).
public struct AxisPermutationRule: Codable, Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    public let axes: [Int]

    public init(_ pattern: String, axes: [Int]) {
        precondition(Set(axes) == Set(0..<axes.count), "\(axes) is not a permutation of 0..<\(axes.count)")
        self.pattern = pattern
        self.axes = axes
    }

    public var description: String { "permute /\(pattern)/ to axes \(axes)" }

    /// `tensors` with every matching tensor's axes reordered; a matching tensor of another rank throws.
    public func apply(to tensors: [String: Tensor], source: String) throws -> [String: Tensor] {
        let expression: NSRegularExpression
        do { expression = try NSRegularExpression(pattern: pattern) } catch {
            throw WeightLoadingError.invalidKeyRule(rule: description)
        }
        var result = tensors
        for (name, tensor) in tensors {
            guard expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil else { continue }
            guard tensor.rank == axes.count else {
                throw WeightMappingError.wrongRankForPermutation(source: source, tensor: name, shape: tensor.shape, axes: axes)
            }
            result[name] = tensor.permuted(axes)
        }
        return result
    }
}
